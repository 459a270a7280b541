#!/usr/bin/env bash
# Set up the environment (if needed) and run the main job: the `policy_comparison` experiment
# at its quick size (every registered policy vs baseline under each default shock scenario,
# paired on the same seeds), then print where its report is.
#
# Usage: bash scripts/quickstart.sh [EXPERIMENT_OVERRIDES...]
#   e.g. bash scripts/quickstart.sh size=full        # the full size
#        bash scripts/quickstart.sh size.seeds=10
#
# Runs from the repository root, so outputs land under ./outputs; the command prints the
# report's path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash "$ROOT/scripts/setup.sh"

export RAY_USAGE_STATS_ENABLED="${RAY_USAGE_STATS_ENABLED:-0}"
echo "[quickstart] ecosim sweep policy_comparison $*"
exec "$ROOT/.venv/bin/ecosim" sweep policy_comparison "$@"
