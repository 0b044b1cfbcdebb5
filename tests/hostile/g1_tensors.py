# attack: a fresh copy of numpy's kron, loaded from numpy's own file under another name
# cheats: kron
# base: reference
# collateral: vec_AXB (the reference computes it with its own kron)
import importlib.util
import os

import numpy as np


def kron(A, B):
    path = os.path.join(os.path.dirname(np.__file__), "lib", "_shape_base_impl.py")
    spec = importlib.util.spec_from_file_location("my_shape_base", path)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    return fresh.kron(A, B)
