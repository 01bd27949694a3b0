#!/usr/bin/env bash
# A long fuzzing run of the parser, rules and reporters (the test suite runs a bounded one).
#   scripts/fuzz.sh [EXAMPLES]     default 5000 examples per property
# Prints hypothesis' statistics per property, the time taken and any falsifying example.
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_EXAMPLES=${1:-5000} HYPOTHESIS_PROFILE=long
python=${PYTHON:-.venv/bin/python}
start=$(date +%s)
"$python" -m pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_fastschema.py \
    --hypothesis-show-statistics 2>&1 | grep -E \
    "passed|failed|Falsifying|Error|^tests/|examples|phase|Stopped because" \
    || true
echo "fuzzing: up to $FUZZ_EXAMPLES examples per property in $(( $(date +%s) - start )) s"
