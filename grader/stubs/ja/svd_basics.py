"""トピック 1 — 特異値分解の幾何と 2×2 の特異値分解（講義 §1.1, §3.1）。

実行列はすべて A = U Σ Vᵀ と分解できる。Vᵀ は入力空間を回転（または
鏡映）し、Σ は座標軸に沿って伸縮し、U は出力空間を回転する。2 次元では
この分解全体を閉じた式で書き下せる。

`grader check svd_basics` で確かめよう。行き詰まったら `grader hint svd_basics`。
"""

import numpy as np


def svd_2x2(A):
    """実 2×2 行列の特異値分解を、numpy.linalg を使わずに閉じた式で求める。

    数式: A = U · diag(s) · Vt。ただし U, Vt は直交行列（UᵀU = I,
    Vt·Vtᵀ = I）で、s[0] ≥ s[1] ≥ 0。A = [[a, b], [c, d]] を回転部分
    （E = (a+d)/2, H = (c−b)/2）と鏡映部分（F = (a−d)/2, G = (c+b)/2）の
    和に分けると、特異値は √(E²+H²) ± √(F²+G²)（2 つ目は絶対値をとる）
    であり、U と Vt の角度は atan2 から得られる。

    引数:
        A: 形状 (2, 2) の array-like。整数も可。

    戻り値:
        (U, s, Vt): 形状 (2, 2), (2,), (2, 2) の float 配列で、
        U @ diag(s) @ Vt が A に約 1e-12·‖A‖₂ の精度で一致し、各 σ が
        真の値から約 1e-12·‖A‖₂ 以内にあること。

    零行列、階数 1 の行列、対角行列、行列式が負の行列、さらに成分が
    1e150 ほど大きい場合や 1e-150 ほど小さい場合にも成り立つこと
    （オーバーフローもアンダーフローも起こさない: まずスケーリングする）。

    禁止: numpy.linalg のすべて
    """
    raise NotImplementedError("svd_2x2 はまだ書かれていません")


def svd_via_eig(A):
    """フルランクの m×n 行列の経済型特異値分解を、AᵀA の固有値分解から作る。

    数式: AᵀA = V Λ Vᵀ より σᵢ = √λᵢ, uᵢ = A vᵢ / σᵢ。m < n のときは
    AAᵀ = U Λ Uᵀ から始める（あるいは転置した問題を解く）。
    numpy.linalg.eigh は固有値を *昇順* に返す。

    引数:
        A: 形状 (m, n) の array-like。階数は min(m, n)、条件数は 1e3 以下。

    戻り値:
        (U, s, Vt): 形状 (m, k), (k,), (k, n)、k = min(m, n)。s は降順、
        U と Vtᵀ の列は正規直交で、U·diag(s)·Vt == A。

    禁止: numpy.linalg のすべて（ただし numpy.linalg.eigh, numpy.linalg.eigvalsh は使ってよい）
    """
    raise NotImplementedError("svd_via_eig はまだ書かれていません")


def ellipse_axes(A):
    """2×2 行列が単位円を写した楕円の半軸。

    数式: {A x : ‖x‖ = 1} は楕円で、その半軸は σᵢ·uᵢ である。長さは
    特異値、向きは左特異ベクトル（出力空間のベクトル）。

    引数:
        A: 形状 (2, 2) の array-like。

    戻り値:
        (lengths, directions): lengths は形状 (2,) で降順。directions は
        形状 (2, 2) で、正規直交な向きを *列* に持つ（各列の符号は自由。
        2 つの長さが等しいときは、どの正規直交な組でも正しい）。

    禁止: なし。
    """
    raise NotImplementedError("ellipse_axes はまだ書かれていません")
