"""トピック 5 — クロネッカー積、vec、einsum の表、縮約の順序（講義 §3.6）。

テンソルは 3 つ以上の軸を持つ配列であり、このトピックの道具はテンソルと
普通の行列のあいだを行き来する。クロネッカー積 A ⊗ B はブロックから大きな
行列を作り、vec は行列の列を縦に積んで 1 本のベクトルにする。両者を組み
合わせると、行列の等式 AXB が行列とベクトルの積
vec(AXB) = (Bᵀ ⊗ A) vec(X) になる。アインシュタインの記法
（numpy.einsum）はすべての軸に文字で名前を付け、積、トレース、
Transformer の注意スコアを 1 行で書く。最後に、行列の連鎖積を評価する
順序によって計算量は桁違いに変わりうる。

`grader check tensors` で確かめよう。行き詰まったら `grader hint tensors`。
"""

import numpy as np


def einsum_spec(name):
    """名前の付いた演算の numpy.einsum の添字文字列。

    grader は、被演算子を式に現れる順に渡して
    np.einsum(einsum_spec(name), *operands) を評価する:

        name                被演算子（形状）                     結果
        "inner"             x (n,), y (n,)                       xᵀy = Σᵢ xᵢyᵢ（スカラー）
        "outer"             x (m,), y (n,)                       x yᵀ、形状 (m, n)
        "matmul"            A (m, k), B (k, n)                   A B、形状 (m, n)
        "trace"             A (n, n)                             tr A = Σᵢ Aᵢᵢ（スカラー）
        "transpose"         A (m, n)                             Aᵀ、形状 (n, m)
        "diag"              A (n, n)                             対角成分 (A₀₀, A₁₁, …)、形状 (n,)
        "batch_matmul"      A (b, m, k), B (b, k, n)             各 β について A[β] B[β]、形状 (b, m, n)
        "attention_scores"  Q (B, H, T, d), K (B, H, T, d)       バッチとヘッドごとの Q Kᵀ、形状 (B, H, T, T)
        "frobenius"         A (m, n), B (m, n)                   ⟨A, B⟩ = Σᵢⱼ AᵢⱼBᵢⱼ（スカラー）
        "bilinear"          x (m,), A (m, n), y (n,)             xᵀ A y（スカラー）

    numpy.einsum が受け付け、表のどの形状にも正しい結果を与える文字列なら
    どれでも正しい。文字は自由に選んでよく、同じ意味になるなら暗黙形
    （"->" なし）でもよい。

    引数:
        name: str、上の表の名前のいずれか。

    戻り値:
        str: 添字。例えば行列とベクトルの積 A x なら "ij,j->i"。

    例外:
        ValueError: 表にない名前のとき。

    禁止: なし。
    """
    raise NotImplementedError("einsum_spec はまだ書かれていません")


def kron(A, B):
    """クロネッカー積 A ⊗ B を numpy.kron を使わずに求める。

    数式: 形状 (m, n) の A と形状 (p, q) の B に対し、A ⊗ B は (i, j) ブロックが
    A[i, j]·B である (m·p)×(n·q) のブロック行列:

        A ⊗ B = [[A[0, 0]·B, A[0, 1]·B, …],
                 [A[1, 0]·B, A[1, 1]·B, …], …]

    したがって (A ⊗ B)[i·p + k, j·q + l] = A[i, j]·B[k, l]。一般に A ⊗ B ≠ B ⊗ A に注意。

    引数:
        A: 形状 (m, n) の array-like。整数も可。
        B: 形状 (p, q) の array-like。

    戻り値:
        形状 (m·p, n·q) の float 配列。

    禁止: numpy.kron
    """
    raise NotImplementedError("kron はまだ書かれていません")


def vec(X):
    """vec(X): X の列を縦に積んだ 1 本のベクトル（列優先の順序）。

    数式: 形状 (m, n) の X に対し vec(X) = (X[0, 0], X[1, 0], …, X[m−1, 0],
    X[0, 1], …, X[m−1, n−1])、すなわち vec(X)[i + j·m] = X[i, j]。numpy の
    既定の順序（X.ravel(), X.flatten(), X.reshape(-1)）は行優先であり、vec ではない。

    引数:
        X: 形状 (m, n) の array-like。整数も可。

    戻り値:
        形状 (m·n,) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("vec はまだ書かれていません")


def unvec(v, shape):
    """vec の逆: 与えられた形状の行列に列ごとに詰め直す。

    数式: X = unvec(v, (m, n)) は X[i, j] = v[i + j·m] を満たし、
    unvec(vec(X), X.shape) == X かつ vec(unvec(v, shape)) == v。

    引数:
        v: 形状 (m·n,) の array-like。
        shape: タプル (m, n)。

    戻り値:
        形状 (m, n) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("unvec はまだ書かれていません")


def vec_AXB(A, X, B):
    """vec(A X B) を行列とベクトルの積 (Bᵀ ⊗ A) vec(X) として計算する。

    数式: A (m, n), X (n, p), B (p, q) に対し vec(AXB) = (Bᵀ ⊗ A) vec(X)。
    ここで Bᵀ ⊗ A の形状は (q·m, p·n)、vec は列優先（自分の kron と vec を使うこと）。

    引数:
        A: 形状 (m, n) の array-like。
        X: 形状 (n, p) の array-like。
        B: 形状 (p, q) の array-like。

    戻り値:
        vec(A @ X @ B) に等しい、形状 (m·q,) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("vec_AXB はまだ書かれていません")


def matrix_chain_order(dims):
    """行列の連鎖積 A₀ A₁ … Aₙ₋₁ を計算する最も安い順序。

    数式: Aᵢ の形状は dims[i]×dims[i+1]。(a×b) 行列と (b×c) 行列の積は
    a·b·c 回の積和を要し、(a×c) 行列になる。総計算量を決めるのは（結果では
    なく）積の順序である: 講義の 100×50, 50×200, 200×100 の連鎖では、
    (A₀A₁)A₂ が 3 000 000、A₀(A₁A₂) が 1 500 000。部分連鎖 i..j に関する
    動的計画法で最小値が求まる:
    cost(i, j) = min over i ≤ s < j of cost(i, s) + cost(s+1, j) + dims[i]·dims[s+1]·dims[j+1]。

    引数:
        dims: n + 1 個の正の int のリスト（または 1 次元配列）、n ≥ 1。

    戻り値:
        (cost, order): cost は積和の最小回数（int。行列が 1 つなら 0）。
        order は最適な括弧付けで、行列の添字を入れ子の 2-タプルで書く。
        例えば (0, (1, 2)) や ((0, 1), (2, 3))。行列が 1 つなら int の 0。
        リストではなくタプルで。最適な順序が複数あるときはどれでも正しい。

    禁止: なし。
    """
    raise NotImplementedError("matrix_chain_order はまだ書かれていません")
