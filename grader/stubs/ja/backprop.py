"""トピック 9 — 手で書く多層パーセプトロン（講義 §3.9）。

多層パーセプトロンは層 h = sigmoid(h_prev @ Wᵀ + b) の連鎖である。
逆伝播とは、損失から入力へ向かって一層ずつ連鎖律を適用することにほかならない:
誤差信号 δ（層の活性化前の値 z に関する損失の勾配）がその層の勾配 dW と db
を与え、W を通して送り返されて一つ前の層の δ になる。ここでは、任意の深さの
シグモイドネットワークについて、N 個の標本からなるバッチに対して一度に、
このループ全体を書く。grader はすべての勾配を有限差分と照合する。

`grader check backprop` で確かめよう。行き詰まったら `grader hint backprop`。
"""

import numpy as np


def sigmoid(x):
    """ロジスティック関数 σ(x) = 1 / (1 + exp(−x))。成分ごとに、数値的に安定に。

    数式: e = exp(−|x|) として、x ≥ 0 では σ(x) = 1/(1 + e)、x < 0 では
    e/(1 + e)。どちらの形も同じ関数だが、オーバーフローしないのは正でない
    数の exp だけである。

    引数:
        x: 数、または任意の形状の array-like。整数も可。

    戻り値:
        x の形状の float 配列（数に対しては float または 0 次元配列）で、
        各成分は [0, 1] にある。|x| が 1e3 以上でも安定であること:
        σ(1000) = 1、σ(−1000) = 0 で、numpy の RuntimeWarning（exp の
        オーバーフロー）も出さない — 結果が正しくても警告は不合格とみなす。
        np.where(cond, a, b) に注意: これはすべての成分で a と b の両方を計算する。

    禁止: なし。
    """
    raise NotImplementedError("sigmoid はまだ書かれていません")


def mlp_forward(params, X):
    """シグモイド多層パーセプトロンの順伝播。逆伝播に必要なものを残しておく。

    数式: h₀ = X。その後、各層 (W, b) について順に
    h = sigmoid(h_prev @ W.T + b)。out は最後の h。

    引数:
        params: 層ごとに 1 つの (W, b) の組のリスト（最初の層が先）。
            W の形状は (d_out, d_in)、b の形状は (d_out,)。各層の d_in は
            前の層の d_out。配列または入れ子のリスト（整数も可）。
        X: 最初の層に対する形状 (N, d_in) の array-like: N 個の標本を 1 行に 1 つ。

    戻り値:
        (out, cache): out は最後の層の形状 (N, d_out) の float 配列。cache は
        自由 — mlp_backward が必要とするもの（典型的には各層の活性化、または
        活性化前の値 z）。grader はそれをそのまま mlp_backward に渡し返すが、
        grader をデータとして通るので、素朴なデータでなければならない —
        numpy 配列、数、そしてそれらのリスト、タプル、（キーが str の）dict。
        それ以外（自作クラスのオブジェクト、関数）があると、この呼び出しは
        型の誤りとして不合格になる。params と X は変更しないこと。

    禁止: なし。
    """
    raise NotImplementedError("mlp_forward はまだ書かれていません")


def mse_loss(out, Y):
    """二乗誤差の損失 L = 0.5 · Σ (out − Y)²（すべての成分にわたる和）。

    数式: N 個のすべての標本とすべての出力にわたる和 — 平均ではない。0.5 の
    おかげで ∂L/∂out = out − Y となる。

    引数:
        out: 形状 (N, d) の array-like、ネットワークの出力。
        Y: 同じ形状の array-like、目標値。整数も可。

    戻り値:
        float としての損失（Python の float。numpy の float も可）。

    禁止: なし。
    """
    raise NotImplementedError("mse_loss はまだ書かれていません")


def mlp_backward(params, cache, Y):
    """mse_loss(mlp_forward(params, X)[0], Y) のすべての W と b に関する勾配。

    数式: 各層で z = h_prev @ W.T + b, h = σ(z) とすると、最後の層の誤差信号は
    δ = (out − Y) ⊙ σ'(z)、ただし σ'(z) = h ⊙ (1 − h)。層の勾配は
    dW = δᵀ @ h_prev（W の形状）と db = δ を N 個の標本について足したもの
    （b の形状: 損失がバッチにわたる和なので、その勾配も和になる）。
    一つ前の層の δ は (δ @ W) ⊙ h_prev ⊙ (1 − h_prev)。

    引数:
        params: mlp_forward に渡したのと同じ (W, b) の組のリスト。
        cache: あなたの mlp_forward が cache として返したものそのもの。
        Y: 最後の層に対する形状 (N, d_out) の array-like、目標値。

    戻り値:
        grads: params と同じ順（層 0 が先）の (dW, db) の組のリスト。dW は
        W の形状、db は b の形状の float 配列。params、Y、cache は変更しない
        こと（コピーの上で作業する。例えば cache のリストから活性化を pop しない）。

    禁止: なし。
    """
    raise NotImplementedError("mlp_backward はまだ書かれていません")
