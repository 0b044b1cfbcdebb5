"""トピック 4 — 特異値分解による主成分分析（講義 §3.5）。

主成分分析は、d 次元の n 個の点の集まりが最も大きく広がる方向を探す。
データを中心化して特異値分解 X_c = U Σ Vᵀ をとれば、答えは因子の中にある:
Vᵀ の行がその方向、σᵢ²/(n − 1) がその方向の分散であり、最初の k 個を
残せば最良の階数 k の再構成が得られる（Eckart–Young）— 分散の最大化と
再構成誤差の最小化は同じ問題なのである。

`grader check pca` で確かめよう。行き詰まったら `grader hint pca`。
"""

import numpy as np


def pca(X, k):
    """X の行の上位 k 個の主成分、その分散、主成分得点。

    数式: X_c = X − mean(X, axis=0)（各列を中心化）、X_c = U Σ Vᵀ（経済型
    特異値分解、σ₁ ≥ σ₂ ≥ …）。主成分は最初の k 個の右特異ベクトル
    （Vᵀ の行）。主成分 i の方向のデータの分散は σᵢ²/(n − 1) で、これは
    標本共分散行列 X_cᵀX_c/(n − 1) の固有値である。主成分得点は中心化した
    点の主成分方向の座標 scores = X_c @ componentsᵀ。

    符号の規則: 特異ベクトルは符号を除いてしか定まらないので、各主成分を
    絶対値最大の成分が正になるように反転する。

    引数:
        X: 形状 (n, d) の array-like、n ≥ 2、1 行に 1 つのデータ点。整数も可。
        k: int、1 ≤ k ≤ min(n, d)。

    戻り値:
        (components, explained_variance, scores): 形状 (k, d) — 1 つの
        主成分を 1 つの「行」に持ち、単位長で互いに直交する —、降順の (k,)、
        そして (n, k) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("pca はまだ書かれていません")


def explained_variance_ratio(X):
    """各主成分方向が説明する分散の、全分散に対する割合（寄与率）。

    数式: 中心化した X_c の特異値を σᵢ として ratio_i = σᵢ² / Σⱼ σⱼ²
    （(n − 1) は約分される）。寄与率は降順で、和は 1。

    引数:
        X: 形状 (n, d) の array-like、n ≥ 2、すべての行が等しくはない。

    戻り値:
        形状 (min(n, d),) の float 配列。中心化で次元が 1 つ失われるので、
        n ≤ d のとき最後の寄与率は（丸め誤差を除いて）0。

    禁止: なし。
    """
    raise NotImplementedError("explained_variance_ratio はまだ書かれていません")


def pca_reconstruct(X, k):
    """X の階数 k の主成分分析による再構成（元の座標で）。

    数式: 中心化したデータを上位 k 個の主成分に射影して元に戻す:
    X_hat = X_c Vₖᵀ Vₖ + mean(X, axis=0)。Vₖ (k, d) は主成分を並べたもの。
    これは k 次元アフィン部分空間上の点による X の最良近似であり、
    k = min(n, d) なら X そのもの。

    引数:
        X: 形状 (n, d) の array-like、n ≥ 2。整数も可。
        k: int、1 ≤ k ≤ min(n, d)。

    戻り値:
        形状 (n, d) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("pca_reconstruct はまだ書かれていません")
