"""Grader-owned code that runs *inside the worker*, next to the learner's module.

A scenario ``grader.worker.scenarios.<topic>.<name>(learner_module, *args)`` drives
learner objects (a ``Var`` graph, a ``Dual`` expression) and returns plain data
only: no expected value, no assertion, no score lives here. A function
reference (``wire.FnRef("<topic>.<name>", *args)``) is a factory with the same
signature that returns a callable to hand to a learner function (the ``f`` of
``numerical_gradient(f, x)``); the worker counts how often it is called.
Only names listed in a scenario module's ``__all__`` can be requested.
"""
