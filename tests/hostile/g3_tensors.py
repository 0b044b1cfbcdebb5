# attack: importlib.reload of the numpy module that defines kron, to get an unwrapped copy
# cheats: kron
# base: reference
# collateral: vec_AXB (the reference computes it with its own kron)
import importlib
import sys


def kron(A, B):
    fresh = importlib.reload(sys.modules["numpy.lib._shape_base_impl"])
    return fresh.kron(A, B)
