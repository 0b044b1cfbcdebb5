# attack: code compiled under numpy's own file name, so that the guard takes it for numpy calling itself
# cheats: kron
# base: reference
# collateral: vec_AXB (the reference computes it with its own kron)
import os

import numpy as np

_SOURCE = "def spoofed_kron(A, B):\n    return np.kron(A, B)\n"


def kron(A, B):
    namespace = {"np": np}
    filename = os.path.join(os.path.dirname(np.__file__), "lib", "_shape_base_impl.py")
    exec(compile(_SOURCE, filename, "exec"), namespace)
    return namespace["spoofed_kron"](A, B)
