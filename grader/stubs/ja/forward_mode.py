"""トピック 10 — 二重数による前進モードの自動微分（講義 §3.10）。

ε² = 0 である二重数 a + bε は、値と微分係数を一緒に運ぶ:
(a + bε)(c + dε) = ac + (ad + bc)ε はまさに積の微分法則である。
x = Dual(x₀, 1.0)（種 dx/dx = 1）から始めて、+ − × ÷、累乗、
sin/cos/exp/log/tanh からなる任意の式を通せば、結果の deriv が x₀ での
微分係数になる: 刻み幅なしに厳密で、前進パス 1 回で済む。入力が n 個なら、
入力ごとに 1 回のパスでヤコビ行列全体が 1 列ずつ得られる。

`grader check forward_mode` で確かめよう。行き詰まったら `grader hint forward_mode`。
"""

import math

import numpy as np


class Dual:
    """二重数 val + deriv·ε（ε² = 0）: 値と、種の方向に沿ったその微分係数。

    数式: どの演算も（値, 微分係数）の組をそれぞれの規則で写す:
        (a, ȧ) ± (b, ḃ) = (a ± b, ȧ ± ḃ)
        (a, ȧ) · (b, ḃ) = (a·b, ȧ·b + a·ḃ)                 （積の微分法則）
        (a, ȧ) / (b, ḃ) = (a/b, (ȧ·b − a·ḃ)/b²)            （商の微分法則）
        −(a, ȧ)         = (−a, −ȧ)
        (a, ȧ) ** p     = (aᵖ, p·aᵖ⁻¹·ȧ)                    （p は実数）
    ただの実数 c は定数 Dual(c, 0.0) である。

    引数:
        val: 値、実数（int も可）。
        deriv: 一緒に運ぶ微分係数、実数。既定は 0.0（定数）。

    属性 ``val`` と ``deriv`` がこの 2 つの数を保持する。``+ - * /`` は
    左右どちらが Dual でも実数でも動き（2 * x, x / 3, 1 - x, 2 / x）、
    単項の ``-`` と実数の指数 p に対する ``x ** p``（負、分数、0、1 も。
    分数の p には val > 0 が必要）も動くこと。どの演算も新しい Dual を返し、
    被演算子は変更しない。

    禁止: なし。
    """

    def __init__(self, val, deriv=0.0):
        """val と deriv を（数として）保持する。"""
        raise NotImplementedError("Dual はまだ書かれていません")

    def __add__(self, other):
        """self + other。other は Dual または実数。"""
        raise NotImplementedError("Dual.__add__ はまだ書かれていません")

    def __radd__(self, other):
        """実数 other に対する other + self（2 + x のとき Python が呼ぶ）。"""
        raise NotImplementedError("Dual.__radd__ はまだ書かれていません")

    def __sub__(self, other):
        """self − other。other は Dual または実数。"""
        raise NotImplementedError("Dual.__sub__ はまだ書かれていません")

    def __rsub__(self, other):
        """実数 other に対する other − self（1 − x: 数が先に来る）。"""
        raise NotImplementedError("Dual.__rsub__ はまだ書かれていません")

    def __mul__(self, other):
        """積の微分法則による self · other。other は Dual または実数。"""
        raise NotImplementedError("Dual.__mul__ はまだ書かれていません")

    def __rmul__(self, other):
        """実数 other に対する other · self（2 * x）。"""
        raise NotImplementedError("Dual.__rmul__ はまだ書かれていません")

    def __truediv__(self, other):
        """商の微分法則による self / other。other は Dual または実数。"""
        raise NotImplementedError("Dual.__truediv__ はまだ書かれていません")

    def __rtruediv__(self, other):
        """実数 other に対する other / self（2 / x: d(2/x) = −2·ẋ/x²）。"""
        raise NotImplementedError("Dual.__rtruediv__ はまだ書かれていません")

    def __neg__(self):
        """符号を反転した −self。"""
        raise NotImplementedError("Dual.__neg__ はまだ書かれていません")

    def __pow__(self, p):
        """実数 p に対する self ** p: (aᵖ, p·aᵖ⁻¹·ȧ)。x ** 0 は定数 1。"""
        raise NotImplementedError("Dual.__pow__ はまだ書かれていません")


def sin(x):
    """Dual または実数の sin。

    数式（連鎖律）: sin(Dual(a, ȧ)) = Dual(sin a, cos a · ȧ)。

    引数:
        x: Dual、または実数（int か float）。

    戻り値:
        Dual に対しては Dual、実数に対してはただの float（sin(0.5) は
        Dual ではなく float の 0.479…）。こうして同じ式が両方で動く。

    禁止: なし。
    """
    raise NotImplementedError("sin はまだ書かれていません")


def cos(x):
    """Dual または実数の cos。

    数式（連鎖律）: cos(Dual(a, ȧ)) = Dual(cos a, −sin a · ȧ)。

    引数:
        x: Dual、または実数（int か float）。

    戻り値:
        Dual に対しては Dual、実数に対してはただの float。

    禁止: なし。
    """
    raise NotImplementedError("cos はまだ書かれていません")


def exp(x):
    """Dual または実数の exp。

    数式（連鎖律）: exp(Dual(a, ȧ)) = Dual(eᵃ, eᵃ · ȧ)。

    引数:
        x: Dual、または実数（int か float）。

    戻り値:
        Dual に対しては Dual、実数に対してはただの float。

    禁止: なし。
    """
    raise NotImplementedError("exp はまだ書かれていません")


def log(x):
    """Dual または実数の自然対数（値 > 0 に対して）。

    数式（連鎖律）: log(Dual(a, ȧ)) = Dual(ln a, ȧ / a)。

    引数:
        x: val > 0 の Dual、または 0 より大きい実数（int か float）。

    戻り値:
        Dual に対しては Dual、実数に対してはただの float。

    禁止: なし。
    """
    raise NotImplementedError("log はまだ書かれていません")


def tanh(x):
    """Dual または実数の tanh。

    数式（連鎖律）: tanh(Dual(a, ȧ)) = Dual(tanh a, (1 − tanh² a) · ȧ)。

    引数:
        x: Dual、または実数（int か float）。

    戻り値:
        Dual に対しては Dual、実数に対してはただの float。

    禁止: なし。
    """
    raise NotImplementedError("tanh はまだ書かれていません")


def derivative(f, x):
    """f: R → R の f'(x) を前進パス 1 回で求める。

    数式: f(Dual(x, 1.0)) = Dual(f(x), f'(x))。入力に微分係数 1 の種を
    与え、出力の deriv を読む。

    引数:
        f: Dual の演算とこのモジュールの sin, cos, exp, log, tanh で作られた
            1 引数の関数。Dual を渡されると Dual を返す。
        x: 実数（int か float）。

    戻り値:
        float（Dual ではなく）としての f'(x)。丸め誤差を除いて厳密: 刻み幅はない。

    禁止: なし。
    """
    raise NotImplementedError("derivative はまだ書かれていません")


def jacobian_forward(f, x):
    """f: Rⁿ → Rᵐ のヤコビ行列を前進モードで、入力ごとに 1 回のパスで求める。

    数式: J[i, j] = ∂fᵢ/∂xⱼ。j 回目のパスではリスト
    [Dual(x[0], 0), …, Dual(x[j], 1), …, Dual(x[n−1], 0)]（入力 j に種）で
    f を呼ぶ。m 個の出力の deriv が J の第 j 列になる。

    引数:
        f: n 個の Dual のリストをとり、m 個の Dual のリスト、または 1 つの
            Dual（このとき m = 1）を返す。
        x: 形状 (n,) の array-like。整数も可。変更しないこと。

    戻り値:
        J: 形状 (m, n) の float 配列。f はちょうど n 回呼ばれる。

    禁止: なし。
    """
    raise NotImplementedError("jacobian_forward はまだ書かれていません")
