#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image:
# a Python >= 3.11 virtual environment with the grader (and its hidden suites).
# AUTOGRADER_ROOT (default /autograder) moves everything, for a local trial;
# GRADER_PYTHON, GRADER_VENV_ARGS, GRADER_PIP and GRADER_PIP_ARGS adjust the
# install; an existing $ROOT/venv is reused.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source/grader-src"
if [ ! -x "$ROOT/venv/bin/python" ]; then
  PY="${GRADER_PYTHON:-}"
  if [ -z "$PY" ]; then
    for candidate in python3.13 python3.12 python3.11 python3; do
      if command -v "$candidate" >/dev/null 2>&1 &&
         "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        PY="$candidate"; break
      fi
    done
  fi
  if [ -z "$PY" ]; then   # Gradescope's Ubuntu 22.04 image has Python 3.10
    apt-get update -qq && apt-get install -y -qq python3.11 python3.11-venv
    PY=python3.11
  fi
  # shellcheck disable=SC2086
  "$PY" -m venv ${GRADER_VENV_ARGS:-} "$ROOT/venv"
fi
# shellcheck disable=SC2086
${GRADER_PIP:-"$ROOT/venv/bin/python" -m pip} install --quiet ${GRADER_PIP_ARGS:-} "$SRC"
