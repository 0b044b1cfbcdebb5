"""トピック 3 — Moore–Penrose の擬似逆行列、最小二乗法とリッジ回帰（講義 §3.4）。

A = U Σ Vᵀ のとき、擬似逆行列 A⁺ = V Σ⁺ Uᵀ は、逆数をとるに値する特異値
はすべて逆数にし、残りは 0 にする。A⁺ は 4 つの Penrose 条件を満たす唯一の
行列 X であり、x = A⁺b はノルム最小の最小二乗解である — A が縦長でも
横長でも階数落ちでも同じこと。リッジ回帰は 1/σ をもっと穏やかなフィルタ
σ/(σ² + λ) に置き換える。

`grader check pseudoinverse` で確かめよう。行き詰まったら `grader hint pseudoinverse`。
"""

import numpy as np


def pinv(A, rcond=1e-15):
    """m×n 行列の Moore–Penrose 擬似逆行列 A⁺ を特異値分解から求める。

    数式: A = U Σ Vᵀ（経済型特異値分解）から A⁺ = V Σ⁺ Uᵀ。Σ⁺ は
    σᵢ > rcond·σ_max である σᵢ には 1/σᵢ を、それ以外には 0 を持つ。
    しきい値は最大特異値に対する相対値なので、A を c 倍すると A⁺ は 1/c 倍になる。

    引数:
        A: 形状 (m, n) の array-like。整数も可。
        rcond: rcond·σ_max 以下の特異値は 0 とみなす。

    戻り値:
        形状 (n, m)（Aᵀ の形状）の float 配列。零行列（σ_max = 0）に対しては
        零行列を返し、inf や NaN を決して返さない。

    禁止: numpy.linalg.pinv, numpy.linalg.lstsq
    """
    raise NotImplementedError("pinv はまだ書かれていません")


def penrose_residuals(A, X):
    """X が 4 つの Penrose 条件のそれぞれからどれだけ外れているか。

    数式: X = A⁺ であることは (1) AXA = A, (2) XAX = X, (3) (AX)ᵀ = AX,
    (4) (XA)ᵀ = XA と同値である。各条件の破れを、その行列に対する相対値
    としてフロベニウスノルムで測る:
        ‖AXA − A‖/‖A‖,  ‖XAX − X‖/‖X‖,  ‖(AX)ᵀ − AX‖/‖AX‖,  ‖(XA)ᵀ − XA‖/‖XA‖。
    分母が 0 のときは分子も 0 であり、0/0 は 0 とみなす。

    引数:
        A: 形状 (m, n) の array-like。
        X: 形状 (n, m) の array-like。

    戻り値:
        上の順に残差を並べた形状 (4,) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("penrose_residuals はまだ書かれていません")


def is_pseudoinverse(A, X, tol=1e-8):
    """X が tol の精度で A の擬似逆行列であるかどうか。

    数式: 4 つの Penrose 残差（penrose_residuals を参照）がすべて tol 以下。
    どの条件も欠かせない: 縦長の行列の左逆行列は 4 つのうち 3 つを満たす。

    引数:
        A: 形状 (m, n) の array-like。
        X: 形状 (n, m) の array-like。
        tol: 許容する最大の残差（残差は相対値）。

    戻り値:
        bool。

    禁止: なし。
    """
    raise NotImplementedError("is_pseudoinverse はまだ書かれていません")


def least_squares(A, b):
    """A x ≈ b のノルム最小の最小二乗解。

    数式: ‖Ax − b‖₂ を最小にする x のうち ‖x‖₂ が最小のものは
    x = A⁺b = Σᵢ (uᵢᵀb/σᵢ) vᵢ（和は σᵢ > max(m, n)·ε·σ_max の範囲、ε は
    float64 の計算機イプシロン numpy.finfo(float).eps）。正方で正則な A
    なら厳密解、縦長の A なら最小二乗解、横長または階数落ちの A なら
    ノルム最小解になる。正規方程式 AᵀA x = Aᵀb は条件数を 2 乗するので
    避けること。

    引数:
        A: 形状 (m, n) の array-like。整数も可。
        b: 形状 (m,) の array-like。

    戻り値:
        x: 形状 (n,) の float 配列。A = 0 なら x = 0。

    禁止: numpy.linalg.lstsq, numpy.linalg.pinv
    """
    raise NotImplementedError("least_squares はまだ書かれていません")


def ridge(A, b, lam):
    """Tikhonov 正則化（リッジ回帰）の解を、特異値分解のフィルタ因子で求める。

    数式: x は ‖Ax − b‖² + λ‖x‖² を最小にし、A = U Σ Vᵀ（経済型特異値分解）
    を用いると
        x = Σᵢ σᵢ/(σᵢ² + λ) · (uᵢᵀb) · vᵢ。
    フィルタ σ/(σ² + λ) は σ² ≫ λ なら ≈ 1/σ、σ² ≪ λ なら ≈ σ/λ → 0。

    引数:
        A: 形状 (m, n) の array-like。整数も可。
        b: 形状 (m,) の array-like。
        lam: λ > 0（int でもよい）。

    戻り値:
        x: 形状 (n,) の float 配列。

    禁止: numpy.linalg.lstsq, numpy.linalg.pinv, numpy.linalg.solve, numpy.linalg.inv
    """
    raise NotImplementedError("ridge はまだ書かれていません")


def condition_number(A):
    """m×n 行列の 2-ノルム条件数 σ_max/σ_min。

    数式: min(m, n) 個の特異値のうち最大のものと最小のものの比。固有値の
    比ではない: [[1, 100], [0, 1]] の固有値はどちらも 1 だが、条件数は約 1e4。

    引数:
        A: 形状 (m, n) の array-like。整数も可。

    戻り値:
        1 以上の float。σ_min = 0 のとき（零行列を含む）は float("inf")。

    禁止: なし。
    """
    raise NotImplementedError("condition_number はまだ書かれていません")
