#!/usr/bin/env bash
# Set up the environment (if needed) and run the main simulation job.
#
# Usage: bash scripts/quickstart.sh [HYDRA_OVERRIDES...]
#   e.g. bash scripts/quickstart.sh seed=7
#
# Runs from the repository root, so Hydra's outputs land under the repository; `ecosim run`
# prints where they went.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash "$ROOT/scripts/setup.sh"

export RAY_USAGE_STATS_ENABLED="${RAY_USAGE_STATS_ENABLED:-0}"
echo "[quickstart] ecosim run $*"
exec "$ROOT/.venv/bin/ecosim" run "$@"
