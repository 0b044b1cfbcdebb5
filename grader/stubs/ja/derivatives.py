"""トピック 6 — 勾配、ヤコビ行列、ヘッセ行列、ニュートン法（講義 §1.3, §1.4, §3.7, §3.11）。

スカラー関数 f の勾配は上り坂の方向を指す。f: Rⁿ → Rᵐ のヤコビ行列は
m 個の出力の勾配を行として積み重ねたもの。ヘッセ行列は 2 階偏導関数を
持ち、その固有値から極小・極大・鞍点が見分けられる。中心差分は f の値
だけからこの 3 つを推定する — 自分で書いた解析的な導関数を確かめる方法
である。ニュートン法は勾配とヘッセ行列を組み合わせて x ← x − H⁻¹·∇f(x)
とする。2 次関数なら 1 ステップで臨界点に達し、極小点の近くでは 2 次収束
する（Rosenbrock 関数）。

`grader check derivatives` で確かめよう。行き詰まったら `grader hint derivatives`。
"""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """スカラー関数の勾配を中心差分で求める。

    数式: x（形状は任意）のすべての添字 i について、eᵢ を x と同じ形状で
    i で 1、それ以外で 0 の配列として
        grad[i] = (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / (2·eps)。
    誤差はおよそ eps²/6·f''' に丸め誤差約 1e-16·|f|/eps を加えたもの。
    前進差分 (f(x + eps·eᵢ) − f(x))/eps の誤差は約 eps/2·f'' で、f の曲がり
    が強いところではまったく足りない。

    引数:
        f: x と同じ形状の配列をとり数を返す関数。
        x: 任意の形状（ベクトル、行列、…）の array-like。整数も可
           （勾配はそれでも float 配列）。
        eps: 刻み幅、正の float。

    戻り値:
        grad: x と同じ形状の float 配列。

    呼び出し側の x はビット単位でそのまま残すこと。よくある
    x[i] += eps; …; x[i] -= eps には注意: 浮動小数点では (x + eps) − eps が
    x ではなく隣の数になることが多く、x は最下位ビットがずれて戻ってくる。
    grader はそれを不合格にする（勾配の検査が検査する点を動かしてはならない）。
    コピー np.array(x, dtype=float) を摂動させるか、x[i] を保存して元に戻すこと。

    禁止: なし。
    """
    raise NotImplementedError("numerical_gradient はまだ書かれていません")


def numerical_jacobian(f, x, eps=1e-6):
    """f: Rⁿ → Rᵐ のヤコビ行列を中心差分で求める（§1.4）。

    数式: J[i, j] = ∂fᵢ/∂xⱼ。したがって第 j 列は長さ m のベクトル
        (f(x + eps·eⱼ) − f(x − eps·eⱼ)) / (2·eps)。
    第 i 行は出力 fᵢ の勾配である。

    引数:
        f: 長さ n の 1 次元配列をとり、長さ m の 1 次元配列を返す関数。
        x: 形状 (n,) の array-like。整数も可。
        eps: 刻み幅、正の float。

    戻り値:
        J: 形状 (m, n) の float 配列 — m = 1 なら (1, n)、n = 1 なら (m, 1)。
        呼び出し側の x はそのまま残すこと。

    禁止: なし。
    """
    raise NotImplementedError("numerical_jacobian はまだ書かれていません")


def numerical_hessian(f, x, eps=1e-4):
    """スカラー関数のヘッセ行列を中心差分で求める（§3.7）。

    数式: H[i, j] = ∂²f/∂xᵢ∂xⱼ。例えば混合中心差分
        (f(x + eps·eᵢ + eps·eⱼ) − f(x + eps·eᵢ − eps·eⱼ)
         − f(x − eps·eᵢ + eps·eⱼ) + f(x − eps·eᵢ − eps·eⱼ)) / (4·eps²)
    で、i = j では点 x ± 2·eps·eᵢ と x を使う。自分の数値勾配のヤコビ行列を
    同じ eps でとるのも同じくらい良い。丸め誤差は今度は約 1e-16·|f|/eps²
    なので、既定の eps が大きくしてある。

    引数:
        f: 長さ n の 1 次元配列をとり数を返す関数。
        x: 形状 (n,) の array-like。整数も可。
        eps: 刻み幅、正の float。

    戻り値:
        H: 形状 (n, n) の float 配列で、厳密に対称: H[i, j] == H[j, i] が
        最後のビットまで成り立つこと（各組を 1 回だけ計算するか、
        (H + H.T)/2 で対称化する）。呼び出し側の x はそのまま残すこと。

    禁止: なし。
    """
    raise NotImplementedError("numerical_hessian はまだ書かれていません")


def rel_error(a, b):
    """2 つの配列の成分ごとの相対差の最大値。

    数式: maxᵢ |aᵢ − bᵢ| / max(1e-8, |aᵢ| + |bᵢ|)。まず成分ごとに比をとり、
    次にその比の最大値をとる（最大の差を最大の分母で割るのではない）。
    下限 1e-8 のおかげで 0/0 や微小な成分も無害になる: 2 つの 0 の差は 0.0。

    引数:
        a, b: 同じ形状の array-like。整数も可。

    戻り値:
        [0, 1] の float。

    禁止: なし。
    """
    raise NotImplementedError("rel_error はまだ書かれていません")


def rosenbrock(x):
    """Rosenbrock 関数（§3.11）: 細く曲がった谷で、(1, 1) で最小値 0 をとる。

    数式: f(x) = (1 − x₀)² + 100·(x₁ − x₀²)²。

    引数:
        x: 形状 (2,) の array-like。整数も可。

    戻り値:
        f(x)（float）。

    禁止: なし。
    """
    raise NotImplementedError("rosenbrock はまだ書かれていません")


def rosenbrock_grad(x):
    """Rosenbrock 関数の解析的な勾配。

    数式: (1 − x₀)² + 100·(x₁ − x₀²)² を手で微分する（連鎖律:
    x₁ − x₀² の x₀ に関する内側の導関数は −2·x₀）。

    引数:
        x: 形状 (2,) の array-like。整数も可。

    戻り値:
        形状 (2,) の float 配列: [∂f/∂x₀, ∂f/∂x₁]。

    禁止: なし。
    """
    raise NotImplementedError("rosenbrock_grad はまだ書かれていません")


def rosenbrock_hessian(x):
    """Rosenbrock 関数の解析的なヘッセ行列。

    数式: 2 階偏導関数の行列 [[∂²f/∂x₀², ∂²f/∂x₀∂x₁],
    [∂²f/∂x₁∂x₀, ∂²f/∂x₁²]]。自分の勾配をもう一度微分する。

    引数:
        x: 形状 (2,) の array-like。整数も可。

    戻り値:
        形状 (2, 2) の対称な float 配列。

    禁止: なし。
    """
    raise NotImplementedError("rosenbrock_hessian はまだ書かれていません")


def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):
    """臨界点を求めるニュートン法: x ← x − hess(x)⁻¹·grad(x)。

    数式: x = x0 から始めて次を繰り返す: ‖grad(x)‖ ≤ tol（ユークリッド
    ノルム）なら止める。そうでなければニュートン法を 1 ステップ進める。
    hess(x)·Δ = grad(x) を Δ について解き（逆行列は要らない）、x ← x − Δ
    とする。ステップ数は高々 max_iter。

    引数:
        grad: 長さ n の 1 次元配列をとり、形状 (n,) の勾配を返す関数。
        hess: 長さ n の 1 次元配列をとり、形状 (n, n) のヘッセ行列を返す関数。
        x0: 形状 (n,) の array-like、初期点。整数も可。
        tol: ‖grad(x)‖ に対する絶対許容誤差。
        max_iter: ステップ数の上限。

    戻り値:
        (x, n_iter): x は形状 (n,) の float 配列で最後の反復点。n_iter は
        実際に進んだステップ数の int: x0 がすでに tol を満たせば 0、どの
        反復点も満たさなければ max_iter。2 次関数ではちょうど 1 ステップ。
        呼び出し側の x0 はそのまま残すこと。

    禁止: なし。
    """
    raise NotImplementedError("newton_minimize はまだ書かれていません")


def classify_critical_point(H, tol=1e-10):
    """ヘッセ行列が表す臨界点の種類を、その固有値から判定する（§3.7）。

    数式: 対称行列 H の固有値を λ として、
        "saddle"      ある λ > tol かつある λ < −tol のとき;
        そうでなく "minimum"    すべての λ > tol（正定値）のとき;
        "maximum"     すべての λ < −tol（負定値）のとき;
        "degenerate"  それ以外: ある |λ| ≤ tol で、2 階導関数だけでは
                      判定できない（例えば 0 を固有値に持つ半正定値）。

    引数:
        H: 形状 (n, n) の対称な array-like。整数も可。
        tol: |λ| を 0 とみなす絶対しきい値。

    戻り値:
        文字列 "minimum", "maximum", "saddle", "degenerate" のいずれか。

    禁止: なし。
    """
    raise NotImplementedError("classify_critical_point はまだ書かれていません")
