"""トピック 13 — Eckart–Young の応用としての低ランク適応 LoRA（講義 §2.4, §3.2）。

LoRA は大きなモデルの重みに手を触れずにファインチューニングする: 凍結した
行列 W（d_out × d_in）に、小さな階数 r の B（d_out × r）と A（r × d_in）
からなる学習可能な低ランクの更新 B A を加える。層は
y = x Wᵀ + (alpha/r)·x Aᵀ Bᵀ を計算し、学習で更新するのは d_out·d_in 個
ではなく r·(d_in + d_out) 個の数で済む。ここではこの層の順伝播と逆伝播を
書き、パラメータ数を数え、Eckart–Young の定理を使って、与えられた完全な
更新 ΔW に対する最良の階数 r のアダプタを求める。

`grader check lora` で確かめよう。行き詰まったら `grader hint lora`。
"""

import numpy as np


def lora_forward(x, W, A, B, alpha):
    """LoRA アダプタ付きの線形層。

    数式: y = x Wᵀ + (alpha/r) · x Aᵀ Bᵀ。階数 r は A.shape[0]。アダプタの
    経路は、d_out × d_in の行列 B A 全体を作るのではなく、(x Aᵀ) Bᵀ —
    中間結果は (N, r) — として計算すること。

    引数:
        x: array-like (N, d_in)、1 行に 1 つの入力。
        W: array-like (d_out, d_in)、凍結した重み。
        A: array-like (r, d_in)、アダプタの次元を下げる射影。
        B: array-like (d_out, r)、アダプタの次元を上げる射影。
        alpha: float、LoRA のスケーリング定数（更新は alpha/r 倍される）。
        どの引数も整数でよい。

    戻り値:
        y: 形状 (N, d_out) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("lora_forward はまだ書かれていません")


def lora_backward(dy, x, W, A, B, alpha):
    """上流の勾配 dy に対する LoRA 層の勾配。

    数式: ∂L/∂y = dy (N, d_out)、y = lora_forward(x, W, A, B, alpha) である
    損失 L について、∂L/∂A, ∂L/∂B, ∂L/∂x を返す。c = alpha/r, h = x Aᵀ とおく。
    アダプタの勾配は h を通した連鎖律から得られる。∂L/∂x は凍結した x Wᵀ と
    アダプタの「両方」の経路を集める。W は凍結されているので勾配を持たず、
    dict に "W" の項目があってはならない（それを計算すれば、LoRA が避ける
    ためにある d_out × d_in の計算がかかってしまう）。

    引数:
        dy: array-like (N, d_out)。x, W, A, B, alpha は lora_forward と同じ。

    戻り値:
        キー "A", "B", "x" を持つ dict。値はそれぞれ A (r, d_in), B (d_out, r),
        x (N, d_in) の形状の float 配列。"W" 以外なら余分なキーがあってもよい。

    禁止: なし。
    """
    raise NotImplementedError("lora_backward はまだ書かれていません")


def lora_from_delta(delta_W, r):
    """完全な重みの更新 ΔW に対する最良の階数 r の LoRA アダプタ（因子の釣り合いをとる）。

    数式: 特異値分解 ΔW = U Σ Vᵀ について、Eckart–Young の定理により
    最良の階数 r 近似は U_r Σ_r V_rᵀ（大きい方から r 組の特異三つ組を、
    np.linalg.svd が返すとおり降順で）。Σ_r を 2 つの因子に均等に分ける:
    B = U_r Σ_r^{1/2}, A = Σ_r^{1/2} V_rᵀ。こうすると B A がその近似になり、
    BᵀB = A Aᵀ = Σ_r（釣り合っている）。各特異ベクトルの組 (uᵢ, vᵢ) の符号は自由。

    引数:
        delta_W: array-like (d_out, d_in)。整数も可。
        r: int、1 ≤ r ≤ min(d_out, d_in)。

    戻り値:
        (A, B): 形状 (r, d_in) と (d_out, r) の float 配列 — 層の x Aᵀ Bᵀ と
        同じく A が先。

    禁止: なし。
    """
    raise NotImplementedError("lora_from_delta はまだ書かれていません")


def lora_param_count(d_out, d_in, r):
    """d_out × d_in の層に付けた階数 r のアダプタの、学習可能なパラメータの数。

    数式: A は r·d_in 個、B は d_out·r 個の数を持つ。凍結した W は学習しない
    ので、数は r·(d_in + d_out)。

    引数:
        d_out, d_in, r: 正の int。

    戻り値:
        int。

    禁止: なし。
    """
    raise NotImplementedError("lora_param_count はまだ書かれていません")
