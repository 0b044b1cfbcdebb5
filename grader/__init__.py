"""Auto-grader for the Linear Algebra II exercise kit."""

__version__ = "0.1.0"
