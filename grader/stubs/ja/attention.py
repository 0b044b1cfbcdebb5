"""トピック 12 — 最後の大勝負: 注意機構の逆伝播（講義 §3.14）。

残差接続付きの注意機構の層を 1 つ、順伝播も逆伝播も、行列微分の規則だけから
組み立てる: Y = X·W なら dX = dY·Wᵀ, dW = Xᵀ·dY。そして行全体を混ぜる
ソフトマックスは、行ごとにヤコビ行列 diag(a) − a·aᵀ を持つ。その後、同じ
ことをバッチと複数のヘッドについて行う。

形状: T は位置（トークン）の数、d はモデルの幅、d_k はクエリとキーの幅、
d_v は値の幅。どの勾配も、それが属するものとちょうど同じ形状を持ち、
`out` に関する勾配が `dout` であるスカラー損失 L の勾配である。

`cache` は自由に使ってよい: 順伝播は逆伝播が必要とするものを何でも返し、
grader はそれを同じ内容で逆伝播に渡し返す（リストはタプルとして届く）。
cache は素朴なデータとして grader を往復するので、numpy 配列、Python の
数、bool、文字列、およびそれらのタプル、リスト、キーが str の dict だけで
作ること — それ以外は不可（自作クラスのオブジェクトも関数も不可）。
cache が素朴なデータでない順伝播は、誤った答えとみなす。

`grader check attention` で確かめよう。行き詰まったら `grader hint attention`。
"""

import numpy as np


def attention_forward(H, W_Q, W_K, W_V, W_O, causal=False):
    """残差接続付きの、ヘッドが 1 つの注意機構の層。

    数式:
        Q = H·W_Q, K = H·W_K, V = H·W_V
        S = Q·Kᵀ / √d_k                       (T, T): クエリ i がキー j にどれだけ合うか
        causal=True: j > i で S[i, j] = −∞    （位置 i は位置 ≤ i だけを見る）
        A = 各行に沿った softmax(S)            （各行の和は 1）
        out = A·V·W_O + H
    exp の前に S の各行をその最大値だけずらすこと: ±1000 のスコアで
    オーバーフローしてはならない。

    引数:
        H: array-like (T, d)、T ≥ 1。整数も可。
        W_Q, W_K: array-like (d, d_k)。 W_V: array-like (d, d_v)。 W_O: array-like (d_v, d)。
        causal: bool。

    戻り値:
        (out, cache): out は float 配列 (T, d)。cache は attention_backward が
        必要とするもの何でも、ただし素朴なデータだけで（numpy 配列、数、
        およびそれらのタプル/リスト/キーが str の dict）— grader へ渡って
        そのまま戻ってくる。

    禁止: なし。
    """
    raise NotImplementedError("attention_forward はまだ書かれていません")


def attention_backward(dout, cache):
    """dout = ∂L/∂out が与えられたときの、この層のすべての勾配。

    数式（attention_forward の順伝播を逆にたどる）:
        dW_O = (A·V)ᵀ·dout, dO = dout·W_Oᵀ
        dV = Aᵀ·dO, dA = dO·Vᵀ
        dS = 各行のソフトマックスの逆伝播: A の行 a とその da について
             ds = (diag(a) − a·aᵀ)·da = a ⊙ (da − a·da)
        dQ = dS·K/√d_k, dK = dSᵀ·Q/√d_k
        dW_Q = Hᵀ·dQ, dW_K = Hᵀ·dK, dW_V = Hᵀ·dV
        dH = dout（残差）+ dQ·W_Qᵀ + dK·W_Kᵀ + dV·W_Vᵀ
    causal=True のとき、マスクした位置（j > i）には勾配が流れてはならない。
    ベクトル化すること: T 個の位置にわたる Python のループは書かない
    （grader は長い系列で時間を測り、逆伝播が実行する行数を数える）。

    引数:
        dout: array-like (T, d)。
        cache: あなたの attention_forward が返した cache、そのまま。

    戻り値:
        キー "H" (T, d), "W_Q" (d, d_k), "W_K" (d, d_k), "W_V" (d, d_v),
        "W_O" (d_v, d) に float 配列を持つ dict: それぞれに関する L の勾配。

    禁止: なし。
    """
    raise NotImplementedError("attention_backward はまだ書かれていません")


def mha_forward(X, params, n_heads, causal=False):
    """残差接続付きのマルチヘッド注意機構を、バッチに対して。

    数式（バッチの各系列 b について）:
        Q = X[b]·W_Q, K = X[b]·W_K, V = X[b]·W_V     それぞれ (T, d)
        ヘッド h は Q, K, V の連続する列 h·d_h … (h+1)·d_h − 1 を使う
        （d_h = d / n_heads）。O_h = softmax(Q_h·K_hᵀ / √d_h)·V_h を計算する
        （causal: attention_forward と同じく j > i で S[i, j] = −∞）
        out[b] = [O_1 | O_2 | … | O_n_heads]·W_O + X[b]
    ヘッドのスケールは 1/√d ではなく 1/√d_h であることに注意。

    引数:
        X: array-like (B, T, d)。整数も可。
        params: キー "W_Q", "W_K", "W_V", "W_O" を持つ dict。値はそれぞれ array-like (d, d)。
        n_heads: d を割り切る 1 以上の int。
        causal: bool。

    戻り値:
        (out, cache): out は float 配列 (B, T, d)。cache は素朴なデータだけで
        （attention_forward を参照）。

    例外:
        ValueError: d が n_heads で割り切れないとき。

    禁止: なし。
    """
    raise NotImplementedError("mha_forward はまだ書かれていません")


def mha_backward(dout, cache):
    """dout = ∂L/∂out が与えられたときの、マルチヘッドの層のすべての勾配。

    数式: 各ヘッドは attention_backward のヘッドが 1 つの逆伝播である（スケールは
    そのヘッドの 1/√d_h）。ヘッドの dQ_h, dK_h, dV_h はもとの列に戻し、重みの
    勾配はバッチと位置にわたって足し合わせる: dW_Q = Σ_b X[b]ᵀ·dQ[b] など。
    dX は残差の分も含む。

    引数:
        dout: array-like (B, T, d)。
        cache: あなたの mha_forward が返した cache、そのまま。

    戻り値:
        キー "X" (B, T, d) と "W_Q", "W_K", "W_V", "W_O"（それぞれ (d, d)）に
        float 配列を持つ dict。

    禁止: なし。
    """
    raise NotImplementedError("mha_backward はまだ書かれていません")
