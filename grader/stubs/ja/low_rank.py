"""トピック 2 — 打ち切り特異値分解と Eckart–Young の定理（講義 §0, §1.2, §3.2, §3.3）。

A の特異値の大きい方から k 組の特異三つ組だけを残し、残りを捨てる:
A_k = U_k Σ_k V_kᵀ。これが最良の低ランク近似である: フロベニウスノルムでも
スペクトルノルムでも、階数 k 以下の行列でこれより A に近いものはなく
（Eckart–Young–Mirsky）、残る誤差は捨てた特異値だけで決まる。特異値の 2 乗は A の「エネルギー」である。
それが速く減衰するなら、わずかな三つ組で画像のほぼすべてを保存でき（§0）、
推薦システムの欠けた評価値も予測できる（§3.3）。

`grader check low_rank` で確かめよう。行き詰まったら `grader hint low_rank`。
"""

import numpy as np


def rank_k_approx(A, k):
    """A の最良の階数 k 近似、すなわち打ち切り特異値分解。

    数式: A = U · diag(s) · Vt（s は降順）に対し、
    A_k = Σ_{i<k} s[i] · U[:, i] · Vt[i, :] = U[:, :k] · diag(s[:k]) · Vt[:k, :]
    は大きい方から k 組の特異三つ組を残す。

    引数:
        A: 形状 (m, n) の array-like。整数も可。
        k: 0 ≤ k ≤ min(m, n) の int。

    戻り値:
        A_k: 形状 (m, n)、階数 k 以下の float 配列。k = 0 なら零行列、
        k = min(m, n) なら（丸め誤差を除き）A そのもの。

    禁止: なし。
    """
    raise NotImplementedError("rank_k_approx はまだ書かれていません")


def eckart_young_bound(s, k, ord="fro"):
    """階数 k の行列が達しうる最小の誤差を、特異値だけから求める。

    数式（Eckart–Young–Mirsky。σ₁ ≥ σ₂ ≥ … ≥ σᵣ は Python では s[0], s[1], …）:
        ord="fro":  rank(B) ≤ k での min ‖A − B‖_F  =  √(σ²ₖ₊₁ + … + σ²ᵣ) = √Σ s[k:]²
        ord=2:      rank(B) ≤ k での min ‖A − B‖₂   =  σₖ₊₁ = s[k]
    k ≥ len(s) のときは何も捨てないので、どちらの下界も 0.0。

    引数:
        s: 降順に並んだ特異値の array-like、形状 (r,)。整数も可。
        k: 0 ≤ k ≤ len(s) の int。
        ord: "fro"（既定）または 2。

    戻り値:
        下界の値（float）。

    禁止: なし。
    """
    raise NotImplementedError("eckart_young_bound はまだ書かれていません")


def verify_eckart_young(A, k):
    """rank_k_approx(A, k) が実際に達成する誤差を測り、理論と比べる。

    数式: A_k = rank_k_approx(A, k)、s を A の特異値として
        "fro_error"      = ‖A − A_k‖_F      "fro_bound"      = eckart_young_bound(s, k, "fro")
        "spectral_error" = ‖A − A_k‖₂       "spectral_bound" = eckart_young_bound(s, k, 2)
    （‖M‖₂ はスペクトルノルム、すなわち M の最大特異値。）定理によれば、
    丸め誤差を除いてそれぞれの誤差はその下界に等しい。

    引数:
        A: 形状 (m, n) の array-like。整数も可。
        k: 0 ≤ k ≤ min(m, n) の int。

    戻り値:
        上の 4 つのキーを（少なくとも）持つ dict。値はいずれも float。

    禁止: なし。
    """
    raise NotImplementedError("verify_eckart_young はまだ書かれていません")


def cumulative_energy(s):
    """最初の 1 個、2 個、… の特異値が担う A のエネルギーの割合。

    数式: energy[i] = (σ₁² + … + σᵢ₊₁²) / (σ₁² + … + σᵣ²)、
    すなわち cumsum(s²) / Σ s²。単調非減少で、最後の成分は 1。

    引数:
        s: 特異値（≥ 0、すべてが 0 ではない）の array-like、形状 (r,)。整数も可。

    戻り値:
        energy: 形状 (r,) の float 配列。

    禁止: なし。
    """
    raise NotImplementedError("cumulative_energy はまだ書かれていません")


def rank_for_energy(s, threshold):
    """エネルギーの所定の割合を保つのに必要な特異値の個数。

    数式: cumulative_energy(s)[k − 1] ≥ threshold となる最小の個数 k ≥ 1。
    添字ではなく個数である: energy[0] ≥ threshold なら k = 1。丸め誤差の
    ために最後のエネルギーさえ threshold に届かないときの答えは len(s)。

    引数:
        s: 特異値（≥ 0、すべてが 0 ではない）の array-like、形状 (r,)。整数も可。
        threshold: 0 < threshold ≤ 1 の float。

    戻り値:
        k（int）、1 ≤ k ≤ len(s)。

    禁止: なし。
    """
    raise NotImplementedError("rank_for_energy はまだ書かれていません")


def compression_ratio(m, n, k):
    """階数 k の分解が使う記憶量の、m×n の行列全体に対する比。

    数式: U_k は k·m 個、Vt_k は k·n 個、特異値はさらに k 個の数を持つので
    k(m + n + 1) / (m·n)。因子の方が行列より場所をとるときは 1 を超える。

    引数:
        m, n: 1 以上の int、行列の形状。
        k: 0 以上の int、残す階数。

    戻り値:
        比の値（float）。

    禁止: なし。
    """
    raise NotImplementedError("compression_ratio はまだ書かれていません")


def fill_and_predict(R, mask, k):
    """§3.3 の推薦システム: 未知の評価値を埋め、階数 k の構造だけを残す。

    数式: μ = 既知の成分 R[mask] の平均。F = R の未知の成分（mask が False）
    をすべて μ で置き換えたもの。予測は rank_k_approx(F, k)。mask が False
    の位置に R が何を持っていても、それは未知の値なので使ってはならない。

    引数:
        R: 形状 (m, n) の array-like。整数も可。
        mask: 形状 (m, n) の bool 配列。R が既知の位置で True（少なくとも 1 つは True）。
        k: 0 ≤ k ≤ min(m, n) の int。

    戻り値:
        R_hat: 形状 (m, n)、階数 k 以下の float 配列。k = min(m, n) なら F そのもの。

    禁止: なし。
    """
    raise NotImplementedError("fill_and_predict はまだ書かれていません")
