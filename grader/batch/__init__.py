"""Grading a whole class: `grader batch` and `grader export`.

| module | what it holds |
|---|---|
| `learners.py` | find the learners in a folder (subfolders and zips), their content hash |
| `zips.py` | safe zip extraction (no absolute or `..` paths, no links, size and count caps) |
| `task.py` | grade one learner: the report dict or the reason it could not be graded |
| `local.py` | run tasks in parallel in forked children, with a deadline per learner |
| `gradebook.py` | the SQLite state in the output folder: runs, attempts (history), latest |
| `tables.py` | gradebook.csv and the Canvas import CSV |
| `stats.py` | class statistics: mean, median, pass rates, histogram, failing tests, mistakes |
| `command.py` | `grader batch` end to end |
"""
