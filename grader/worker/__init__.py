"""The untrusted side of the trust boundary: everything that runs beside submission code.

This package (with the plain-data codec ``grader.wire``) is all that a worker
process may import from the grader: ``serve`` (the request loop), ``guard``
(forbidden calls) and ``scenarios`` (grader code that drives learner objects).
It holds no expected value, no assertion and no score.
"""
