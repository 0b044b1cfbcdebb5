"""The kit's speed and memory figures, each beside its goal: ``python -m benchmarks [--json FILE]``.

Numbers only: nothing here asserts, so a busy machine cannot fail a build
(goals are judged by a person reading the table, or a script reading --json).
"""
