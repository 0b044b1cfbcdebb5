"""トピック 7 — 行列微分: Matrix Cookbook の公式（講義 §3.8）。

逆伝播は行列微分そのものである: スカラー f のベクトル x や行列 X に
関する勾配とは、G[i, j] = ∂f/∂X[i, j] となる同じ形状の配列 G のこと。
以下の関数はどれもそのような勾配を閉じた式で返す。講義と同じく、各公式は
成分ごとに導き（トレースや積を添字の和として書き、1 つの成分で微分し、
その和を行列の積として読み戻す）、中心差分と比べること。grader は
「非対称」な行列と非正方の形状で検査するので、対称な A でしか正しくない
公式や、転置の位置を間違えた公式はすぐに分かる。

`grader check matrix_calculus` で確かめよう。行き詰まったら `grader hint matrix_calculus`。
"""

import numpy as np


def grad_linear(a, x):
    """線形関数 f(x) = aᵀx = Σᵢ aᵢxᵢ の x に関する勾配。

    引数:
        a, x: 形状 (n,) の array-like。整数も可。

    戻り値:
        形状 (n,) の float 配列: G[k] = ∂f/∂x[k]。

    禁止: なし。
    """
    raise NotImplementedError("grad_linear はまだ書かれていません")


def grad_quadratic(A, x):
    """2 次形式 f(x) = xᵀAx = Σᵢⱼ xᵢAᵢⱼxⱼ の x に関する勾配。

    A は対称とは限らない: x[k] は和の中に行の添字 i としても列の添字 j
    としても現れる。

    引数:
        A: 形状 (n, n) の array-like。x: 形状 (n,) の array-like。

    戻り値:
        形状 (n,) の float 配列: G[k] = ∂f/∂x[k]。

    禁止: なし。
    """
    raise NotImplementedError("grad_quadratic はまだ書かれていません")


def grad_trace_AX(A, X):
    """f(X) = tr(AX) の X に関する勾配。

    tr(AX) = Σᵢ (AX)ᵢᵢ = Σᵢⱼ AᵢⱼXⱼᵢ。

    引数:
        A: 形状 (n, m) の array-like。X: 形状 (m, n) の array-like。

    戻り値:
        X の形状 (m, n) の float 配列: G[j, i] = ∂f/∂X[j, i]。

    禁止: なし。
    """
    raise NotImplementedError("grad_trace_AX はまだ書かれていません")


def grad_trace_AXB(A, X, B):
    """f(X) = tr(AXB) の X に関する勾配。

    ヒント: トレースは巡回的で tr(AXB) = tr(BAX)。すると tr(CX) の形になる。

    引数:
        A: (p, m), X: (m, n), B: (n, p) の array-like。

    戻り値:
        X の形状 (m, n) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("grad_trace_AXB はまだ書かれていません")


def grad_trace_XtAX(A, X):
    """f(X) = tr(XᵀAX) の X に関する勾配。

    tr(XᵀAX) = Σₖ xₖᵀAxₖ（xₖ は X の列）: 列ごとの 2 次形式の和である。
    A は対称とは限らない。

    引数:
        A: 形状 (n, n) の array-like。X: 形状 (n, k) の array-like。

    戻り値:
        X の形状 (n, k) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("grad_trace_XtAX はまだ書かれていません")


def grad_frobenius_sq(X):
    """フロベニウスノルムの 2 乗 f(X) = ‖X‖_F² = Σᵢⱼ Xᵢⱼ² の X に関する勾配。

    引数:
        X: 形状 (m, n) の array-like。

    戻り値:
        形状 (m, n) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("grad_frobenius_sq はまだ書かれていません")


def grad_logdet(X):
    """f(X) = ln |det X| の X に関する勾配。

    絶対値があるので f は行列式が負のものを含むすべての正則な X で定義
    される（grader はそれも使う）。勾配の公式は正負どちらでも同じ。
    det X を第 i 行で展開すると ∂ det X/∂X[i, j] は余因子 Cᵢⱼ であり、
    余因子と逆行列は X⁻¹ = Cᵀ/det X で結ばれている。

    引数:
        X: 形状 (n, n) の正則な array-like。

    戻り値:
        形状 (n, n) の float 配列: G[i, j] = ∂f/∂X[i, j]。

    禁止: なし。
    """
    raise NotImplementedError("grad_logdet はまだ書かれていません")


def grad_det(X):
    """f(X) = det X の X に関する勾配。

    前の関数とは連鎖律 ∂ ln|det X| = ∂(det X)/det X で結ばれている。
    det X は負でもよい。

    引数:
        X: 形状 (n, n) の正則な array-like。

    戻り値:
        形状 (n, n) の float 配列: G[i, j] = ∂ det X/∂X[i, j]。

    禁止: なし。
    """
    raise NotImplementedError("grad_det はまだ書かれていません")


def grad_least_squares(A, x, b):
    """最小二乗の損失 f(x) = ‖Ax − b‖² の x に関する勾配。

    (Ax − b)ᵀ(Ax − b) と書いて展開するか、残差 r = Ax − b に連鎖律を使う。

    引数:
        A: 形状 (m, n) の array-like。x: (n,)。b: (m,)。

    戻り値:
        x の形状 (n,) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("grad_least_squares はまだ書かれていません")


def grad_trace_inv(A, B):
    """f(A) = tr(A⁻¹B) の A に関する勾配。

    A·A⁻¹ = I を微分すると d(A⁻¹) = −A⁻¹ (dA) A⁻¹。よって
    df = −tr(A⁻¹ dA A⁻¹ B)。トレースを巡回させて tr(C dA) の形にし、
    tr(C dA) が勾配について何を意味するかを思い出すこと（grad_trace_AX を参照）。

    引数:
        A: 形状 (n, n) の正則な array-like。B: 形状 (n, n) の array-like。

    戻り値:
        A の形状 (n, n) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("grad_trace_inv はまだ書かれていません")


def sigmoid_derivative(x):
    """ロジスティックシグモイド σ(x) = 1/(1 + e^(−x)) の導関数（成分ごと）。

    σ' は σ だけで書ける。|x| が 1e3 までなら有限のままで、numpy の警告も
    出さないこと: x が約 −709 より小さいと e^(−x) はオーバーフローするので、
    指数が大きな正の数になることを決して許さない。

    引数:
        x: 数、または任意の形状の array-like。整数も可。

    戻り値:
        成分ごとの σ'(x): x の形状の float 配列（数に対しては float）。

    禁止: なし。
    """
    raise NotImplementedError("sigmoid_derivative はまだ書かれていません")
