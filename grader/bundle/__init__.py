"""What the instructor ships: the learner release and the Gradescope autograder.

Both carry the grader package with its hidden suites and never the kit's
``solutions/`` (reference modules and mutant catalogues), its tests or its CI.
``files.py`` decides what is copied; ``release.py`` and ``gradescope.py``
lay it out; ``templates/`` holds the scripts and the learner README.
"""
