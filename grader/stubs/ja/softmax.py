"""トピック 8 — ソフトマックス、そのヤコビ行列、交差エントロピー（講義 §3.12）。

ソフトマックスはスコアのベクトル（ロジット）を確率に変える。そのヤコビ行列
diag(s) − s sᵀ は、あらゆる分類器とあらゆる注意機構の層が逆伝播で通る
ものであり、上に交差エントロピーを載せると勾配は s − y にまで簡単になる。
落とし穴は浮動小数点である: exp(1000) はオーバーフローするので、ここの
関数はどれも ±1e4 ほどのロジットに対しても正確でなければならない —
NaN も inf も numpy の RuntimeWarning も一つも出さずに（結果がたまたま
正しくても、警告は不合格とみなす）。

`grader check softmax` で確かめよう。行き詰まったら `grader hint softmax`。
"""

import numpy as np


def softmax(z, axis=-1):
    """1 つの軸に沿ったソフトマックス: sᵢ = exp(zᵢ) / Σⱼ exp(zⱼ)。

    数式: 任意の定数 c について softmax(z) = softmax(z − c) なので、指数を
    とる前に各スライスをその最大値だけずらす。そうすればどの指数も ≤ 0 で、
    何もオーバーフローしない。

    引数:
        z: 任意の形状（1 次元、2 次元、3 次元、…）の array-like。整数も可。
        axis: 正規化する軸（既定は最後の軸）。

    戻り値:
        z と同じ形状の float 配列。各成分は [0, 1] にあり、`axis` に沿った
        和は 1。|z| が 1e4 まで正確であること（例えば z = [1000, 0] は警告
        なしに [1, exp(−1000)] を与える）。等しいロジットには等しい確率。

    禁止: なし。
    """
    raise NotImplementedError("softmax はまだ書かれていません")


def logsumexp(z, axis=-1):
    """1 つの軸に沿った log Σᵢ exp(zᵢ) を、オーバーフローもアンダーフローもなく求める。

    数式: m = max(z)（`axis` に沿って）として logsumexp(z) = m + log Σᵢ exp(zᵢ − m)。

    引数:
        z: 任意の形状の array-like。整数も可。
        axis: 和をとる軸（既定は最後の軸）。

    戻り値:
        z の形状から `axis` を除いた形状（np.sum(z, axis=axis) と同じ）。
        1 次元の z なら float。|z| が 1e4 まで正確であること:
        logsumexp([1e4, 1e4]) は 1e4 + log 2、logsumexp([-1e4, -1e4]) は −1e4 + log 2。

    禁止: なし。
    """
    raise NotImplementedError("logsumexp はまだ書かれていません")


def log_softmax(z, axis=-1):
    """1 つの軸に沿った log(softmax(z)) を、ソフトマックスの log をとらずに計算する。

    数式: log softmax(z)ᵢ = zᵢ − logsumexp(z)。計算済みのソフトマックスに
    np.log を適用すると、非常に小さいロジットで失敗する: その確率は 0 に
    アンダーフローし、log(0) = −inf となる。

    引数:
        z: 任意の形状の array-like。整数も可。
        axis: 正規化する軸（既定は最後の軸）。

    戻り値:
        z と同じ形状の float 配列で、各成分は ≤ 0。|z| が 1e4 まで正確で
        あること（log_softmax([1e4, −1e4]) は [0, −inf] ではなく [0, −2e4]）。

    禁止: なし。
    """
    raise NotImplementedError("log_softmax はまだ書かれていません")


def softmax_jacobian(z):
    """1 次元の z におけるソフトマックスのヤコビ行列: J = diag(s) − s sᵀ、s = softmax(z)。

    数式: ∂sᵢ/∂zⱼ = sᵢ (δᵢⱼ − sⱼ)。J は対称で、各行の和は 0（確率の和は
    常に 1 なので、z をどの方向に動かしてもその和は変わらない）。

    引数:
        z: 形状 (n,) の array-like。整数も可。|z| が 1e4 まで正確であること。

    戻り値:
        形状 (n, n) の float 配列、J[i, j] = ∂sᵢ/∂zⱼ。

    禁止: なし。
    """
    raise NotImplementedError("softmax_jacobian はまだ書かれていません")


def softmax_backward(s, g, axis=-1):
    """ソフトマックスを通した逆伝播: ヤコビ行列を作らずにベクトル–ヤコビ積を求める。

    数式: s = softmax(z)（`axis` に沿って）、g = ∂L/∂s なら、各スライスで
    ∂L/∂z = Jᵀg であり、これは s ⊙ (g − Σ g⊙s) に簡単になる（和は `axis`
    に沿ってとり、スライスごとに 1 つの数）。n×n のヤコビ行列を作ると
    スライスごとに n² のメモリを要するが、この公式なら n で済む。

    引数:
        s: ソフトマックスの出力、任意の形状の配列（`axis` に沿った各スライスの和は 1）。
        g: 上流の勾配 ∂L/∂s、s と同じ形状。整数も可。
        axis: ソフトマックスが正規化した軸（既定は最後の軸）。

    戻り値:
        ∂L/∂z、s と同じ形状の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("softmax_backward はまだ書かれていません")


def cross_entropy(logits, labels):
    """バッチの平均交差エントロピー: L = −(1/N) Σₙ log softmax(logitsₙ)[labelsₙ]。

    数式: 正解クラスの負の対数尤度を N 個の標本で平均したもの（和ではない）。
    log_softmax を使えば ±1e4 のロジットでも有限のまま。

    引数:
        logits: 形状 (N, C) の array-like、標本ごとにクラススコアを 1 行。
        labels: 形状 (N,) の整数の array-like、各値は 0 … C−1。

    戻り値:
        Python の float としての L（N = 1 でもよい）。

    禁止: なし。
    """
    raise NotImplementedError("cross_entropy はまだ書かれていません")


def cross_entropy_grad(logits, labels):
    """cross_entropy のロジットに関する勾配: (softmax(logits) − Y)/N。

    数式: Y はラベルの one-hot 行列（Y[n, labelsₙ] = 1）。1/N は
    cross_entropy の平均から来る。各行の和は 0。

    引数:
        logits: 形状 (N, C) の array-like。
        labels: 形状 (N,) の整数の array-like、各値は 0 … C−1。

    戻り値:
        形状 (N, C) の float 配列。±1e4 までのロジットで安定であること。

    禁止: なし。
    """
    raise NotImplementedError("cross_entropy_grad はまだ書かれていません")
