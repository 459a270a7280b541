#!/usr/bin/env bash
# Set up the dev environment (incl. Chromium) and run lint + the whole test suite.
#
# Usage: bash scripts/test.sh [PYTEST_ARGS...]
#   e.g. bash scripts/test.sh -m "not browser" -x
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# ECOSIM_TEST_RAY=1 (set by .ci/run) also installs the `ray` extra, so the Ray executor's
# test runs instead of being skipped; it stays optional for everyone else.
SETUP_FLAGS=(--dev --browser)
[ "${ECOSIM_TEST_RAY:-0}" = 1 ] && SETUP_FLAGS+=(--ray)
bash "$ROOT/scripts/setup.sh" "${SETUP_FLAGS[@]}"

LINT_DIRS=()
for d in abm tests experiments analysis; do
  [ -d "$d" ] && LINT_DIRS+=("$d")
done
if [ "${#LINT_DIRS[@]}" -gt 0 ]; then
  echo "[test] ruff check ${LINT_DIRS[*]}"
  "$ROOT/.venv/bin/ruff" check "${LINT_DIRS[@]}"
else
  echo "[test] ruff: no Python source folders to check" >&2
fi

export SOLARA_TELEMETRY_MIXPANEL_ENABLE=False
export SOLARA_CHECK_HOOKS=off
export MPLBACKEND=Agg
export RAY_USAGE_STATS_ENABLED=0

# Two workers (pytest-xdist): the machines have 2 cores and the tests are independent
# simulations. ECOSIM_TEST_WORKERS=0 runs them in one process.
WORKERS="${ECOSIM_TEST_WORKERS:-2}"
echo "[test] pytest -n $WORKERS $*"
rc=0
"$ROOT/.venv/bin/python" -m pytest -n "$WORKERS" "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "[test] ERROR: pytest collected no tests (exit 5); this project always has tests" >&2
elif [ "$rc" -ne 0 ]; then
  echo "[test] pytest failed (exit $rc)" >&2
fi
exit "$rc"
