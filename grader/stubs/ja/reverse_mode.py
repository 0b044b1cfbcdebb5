"""トピック 11 — テープを使わない後退モードの自動微分（講義 §1.5, §3.10）。

PyTorch の backward() がしていることを数十行で書く。どの Var も、自分を
計算するもとになった Var と、自分を作った演算の局所的な微分係数を覚えて
いる。backward() は出力から入力へ向かってグラフを一度だけたどり、各節点で
連鎖律 parent.grad += (∂node/∂parent) · node.grad を適用する。1 回の
逆伝播で、1 つの出力の *すべての* 入力に関する微分係数が得られる — だから
数百万のパラメータを持つ損失でも逆伝播は 1 回で済むが、前進モード
（トピック 10）ならパラメータごとに 1 回のパスが要る。

`grader check reverse_mode` で確かめよう。行き詰まったら `grader hint reverse_mode`。
"""

import math

import numpy as np


class Var:
    """自分がどう計算されたかを記録し、backward() で微分できるスカラー。

    属性:
        data: 値（float）。
        grad: ∂(backward() を呼んだ Var)/∂(この Var)。逆伝播がこの Var に
            届くまでは 0.0。

    演算子（左右どちらも Var または実数（int か float）でよい）:
        x + y, x - y, x * y, x / y（したがって 2 * x, x / 3, 1 - x, 2 / x,
        x + 1, 1 + x がすべて動く: Python は 1 - x を x.__rsub__(1)、
        2 / x を x.__rtruediv__(2) として実行する — 数が左にある）、
        単項の -x、実数 p に対する x ** p（p = 2, −1, 0.5, −1.5, …）。
    メソッド: x.exp(), x.log(), x.sin(), x.tanh(), x.relu(), x.sigmoid()。
    どれも新しい Var を返し、被演算子は変更しない。

    グラフの保持の仕方は自由: 講義では節点ごとに子の集合とクロージャ
    _backward を持たせるが、（親, 局所微分係数）の組のタプルでも同じく
    うまくいく。講義のように、__init__ に既定値付きの非公開の引数
    （名前が _ で始まるもの）を追加してもよい。

    禁止: なし。
    """

    def __init__(self, data):
        """``data``（int か float）を持つ葉の Var。grad は 0.0 で、親はない。"""
        raise NotImplementedError("Var.__init__ はまだ書かれていません")

    def __add__(self, other):
        """self + other。∂/∂self = 1, ∂/∂other = 1。``other`` は Var または数。"""
        raise NotImplementedError("Var.__add__ はまだ書かれていません")

    def __radd__(self, other):
        """other + self。``other`` は数（1 + x のとき Python が呼ぶ）。"""
        raise NotImplementedError("Var.__radd__ はまだ書かれていません")

    def __sub__(self, other):
        """差 self − other。∂/∂self = 1, ∂/∂other = −1。"""
        raise NotImplementedError("Var.__sub__ はまだ書かれていません")

    def __rsub__(self, other):
        """other − self。``other`` は数（1 - x のとき Python が呼ぶ: x − 1 ではない！）。"""
        raise NotImplementedError("Var.__rsub__ はまだ書かれていません")

    def __mul__(self, other):
        """積 self · other。∂/∂self = other, ∂/∂other = self。"""
        raise NotImplementedError("Var.__mul__ はまだ書かれていません")

    def __rmul__(self, other):
        """other · self。``other`` は数（2 * x のとき Python が呼ぶ）。"""
        raise NotImplementedError("Var.__rmul__ はまだ書かれていません")

    def __truediv__(self, other):
        """商 self / other。∂/∂self = 1/other, ∂/∂other = −self/other²。"""
        raise NotImplementedError("Var.__truediv__ はまだ書かれていません")

    def __rtruediv__(self, other):
        """other / self。``other`` は数（2 / x のとき Python が呼ぶ: ∂/∂x = −2/x²）。"""
        raise NotImplementedError("Var.__rtruediv__ はまだ書かれていません")

    def __neg__(self):
        """符号を反転した −self。∂/∂self = −1。"""
        raise NotImplementedError("Var.__neg__ はまだ書かれていません")

    def __pow__(self, p):
        """実数 p（Var ではない）に対する self ** p。∂/∂self = p · self^(p−1)。"""
        raise NotImplementedError("Var.__pow__ はまだ書かれていません")

    def exp(self):
        """e^self。その導関数はやはり e^self。"""
        raise NotImplementedError("Var.exp はまだ書かれていません")

    def log(self):
        """自然対数（self.data > 0 に対して）。導関数は 1/self。"""
        raise NotImplementedError("Var.log はまだ書かれていません")

    def sin(self):
        """sin(self)。導関数は cos(self)。"""
        raise NotImplementedError("Var.sin はまだ書かれていません")

    def tanh(self):
        """tanh(self)。導関数は 1 − tanh²(self)。"""
        raise NotImplementedError("Var.tanh はまだ書かれていません")

    def relu(self):
        """max(self, 0)。導関数は self.data > 0 で 1、それ以外で 0 — ちょうど 0 でも 0。"""
        raise NotImplementedError("Var.relu はまだ書かれていません")

    def sigmoid(self):
        """σ(self) = 1/(1 + e^−self)。導関数は σ·(1 − σ)。"""
        raise NotImplementedError("Var.sigmoid はまだ書かれていません")

    def backward(self):
        """この Var のグラフにあるすべての Var の .grad を ∂self/∂(その Var) にする。

        1. グラフの節点をトポロジカル順（各節点は、それを計算するもとに
           なった Var より後）に並べる。何度使われた節点も一度だけ訪れる —
           ループと明示的なスタックで: グラフの深さは 100 000 演算にも
           なりうるので、Python の再帰の上限をはるかに超える。
        2. グラフのすべての節点で .grad = 0.0 とし（backward() を 2 回
           呼んでも同じ答えになるように）、それから self.grad = 1.0 とする。
        3. 並べたリストを self から入力へ向かってたどり、各節点でそれぞれの
           親への寄与を加える: parent.grad += local · node.grad。2 回使われた
           Var（x * x）は寄与を 2 つ集める: = ではなく必ず +=。

        戻り値は None。
        """
        raise NotImplementedError("Var.backward はまだ書かれていません")


def grad(f, *xs):
    """スカラー関数のすべての偏微分係数を、1 回の逆伝播で求める。

    数式: 点 xs での (∂f/∂x₁, …, ∂f/∂xₙ)。各数を Var で包み、その Var で
    f を呼び（f は 1 つの Var を返す）、結果の backward() を呼んで入力の
    grad を読む。f が使わない入力の値は 0.0。

    引数:
        f: len(xs) 個の Var をとり Var を返す関数。Var の演算子とメソッドで
           作られている（例えば lambda x, y: x * y + x.sin()）。
        xs: 点、数として（int も可）。

    戻り値:
        len(xs) 個の Python の float のタプル。例えば
        grad(lambda a, b: a * b + b, 2, 3) == (3.0, 3.0)。

    禁止: なし。
    """
    raise NotImplementedError("grad はまだ書かれていません")


def jacobian_reverse(f, x):
    """f: Rⁿ → Rᵐ のヤコビ行列全体を後退モードで、出力ごとに 1 回の backward() で求める。

    数式: J[i, j] = ∂fᵢ/∂xⱼ。n 個の Var のリストで f を一度だけ呼び、各出力
    i について outputs[i].backward() をちょうど一度呼んで、入力の grad から
    第 i 行を読む。第 i 行は出力 i の微分係数だけを持たねばならない: 出力 i
    に現れない入力はそのグラフにない — backward() はそれに触れない — ので、
    先に 0.0 に戻しておかない限り、前の行の grad が残ったままになる。

    引数:
        f: n 個の Var のリストをとり、m 個の Var のリストを返す関数。
        x: 点、n 個の数からなる 1 次元の array-like。

    戻り値:
        J: 形状 (m, n) の float の ndarray。

    禁止: なし。
    """
    raise NotImplementedError("jacobian_reverse はまだ書かれていません")


def cheaper_mode(n_inputs, n_outputs):
    """ヤコビ行列全体を少ないパスで作れるのは、自動微分のどちらのモードか。

    前進モード（トピック 10）は入力ごとに 1 回のパス（n_inputs 回）、
    後退モードは出力ごとに 1 回の逆伝播（n_outputs 回）を要する。
    ニューラルネットワークの損失は数百万の入力と 1 つの出力を持つ。

    引数:
        n_inputs, n_outputs: 正の int。

    戻り値:
        n_inputs < n_outputs なら "forward"、n_inputs > n_outputs なら
        "reverse"、等しければ "either"。

    禁止: なし。
    """
    raise NotImplementedError("cheaper_mode はまだ書かれていません")
