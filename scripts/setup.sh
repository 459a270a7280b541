#!/usr/bin/env bash
# Set up the project's virtual environment, idempotently.
#
# Usage: bash scripts/setup.sh [--dev] [--browser] [--ray]
#
#   (always)   .venv with Python 3.12 (found on PATH or under pyenv), `pip install -e .` (pins in pyproject.toml) and Solara's
#              offline front-end asset cache filled from the npm registry, so the browser app
#              works without the public CDN.
#   --dev      install the `dev` extra (pytest, playwright, ruff, ...).
#   --browser  install Debian's `chromium` (for the real-browser tests) if /usr/bin/chromium is
#              missing.
#   --ray      also install the `ray` extra (the sweeps' Ray executor and its test; large, so
#              optional; .ci/run asks for it).
#
# Safe to run repeatedly: every step is skipped when its result already exists (the pip step is
# keyed on a hash of pyproject.toml stored in .venv).
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[setup] ERROR: exit %s at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR
TMP=""
trap '[ -z "$TMP" ] || rm -rf "$TMP"' EXIT

DEV=0
BROWSER=0
RAY=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    --browser) BROWSER=1 ;;
    --ray) RAY=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$arg' (usage: bash scripts/setup.sh [--dev] [--browser] [--ray])" ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

# npm packages that Solara's front end loads from its CDN; cached under <proxy_cache_dir>/<SPEC>.
SOLARA_CDN_SPECS=(
  "@widgetti/solara-vuetify-app@10.1.1"
  "requirejs@2.3.6"
  "font-awesome@4.5.0"
  "@widgetti/vue-grid-layout@2.3.13-alpha.2"
  "vega@5"
  "vega-lite@5"
  "vega-embed@6"
  "mermaid@10.8.0"
  "katex@0.16.9"
)

is_py312() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; }

# A Python 3.12 interpreter: $ECOSIM_PYTHON if set, else python3.12 / python3 on PATH, else the
# newest 3.12.x under pyenv (its shim needs PYENV_VERSION, so the binary is called directly).
find_py312() {
  local cand root
  if [ -n "${ECOSIM_PYTHON:-}" ]; then
    is_py312 "$ECOSIM_PYTHON" && { command -v "$ECOSIM_PYTHON"; return 0; }
    printf '[setup] ECOSIM_PYTHON=%s is not a working Python 3.12\n' "$ECOSIM_PYTHON" >&2
    return 1
  fi
  for cand in python3.12 python3; do
    if command -v "$cand" >/dev/null 2>&1 && is_py312 "$cand"; then
      command -v "$cand"; return 0
    fi
  done
  root="${PYENV_ROOT:-}"
  [ -n "$root" ] || root="$(pyenv root 2>/dev/null || true)"
  [ -n "$root" ] || root="$HOME/.pyenv"
  for cand in $(ls -d "$root"/versions/3.12.* 2>/dev/null | sort -V -r); do
    if is_py312 "$cand/bin/python3.12"; then
      printf '%s\n' "$cand/bin/python3.12"; return 0
    fi
  done
  return 1
}

# --- 1. virtual environment ------------------------------------------------------------------
if [ -x "$PY" ] && is_py312 "$PY"; then
  log "venv ok ($VENV)"
else
  if [ -e "$VENV" ]; then
    log "venv at $VENV is broken or not Python 3.12 ($("$PY" --version 2>&1 || echo unusable)): recreating"
    rm -rf "$VENV"
  fi
  BASE_PY="$(find_py312)" || die "Python 3.12 is required (Mesa 3.5.1 needs >= 3.12; the pins are \
verified on 3.12): none of 'python3.12' or 'python3' on PATH (python3 is: \
$(python3 --version 2>&1 || echo missing)) nor a pyenv version under \
${PYENV_ROOT:-~/.pyenv}/versions/3.12.* works. Install one (e.g. 'pyenv install 3.12', or \
apt-get install python3.12-venv) or set ECOSIM_PYTHON=/path/to/python3.12"
  "$BASE_PY" -m venv "$VENV" || die "'$BASE_PY -m venv $VENV' failed (on Debian: apt-get install python3.12-venv)"
  log "venv created with $BASE_PY ($("$PY" --version 2>&1))"
fi

# --- 2. Python packages ----------------------------------------------------------------------
[ -f "$ROOT/pyproject.toml" ] || die "no pyproject.toml in $ROOT"
HASH="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
STAMP_BASE="$VENV/.setup-stamp-base"
STAMP_DEV="$VENV/.setup-stamp-dev"
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$HASH" ]; }

if [ "$DEV" -eq 1 ]; then
  WANT_STAMP="$STAMP_DEV"; TARGET=".[dev]"; PIP_TARGET="${ROOT}[dev]"
else
  WANT_STAMP="$STAMP_BASE"; TARGET="."; PIP_TARGET="$ROOT"
fi
if stamp_ok "$WANT_STAMP" || { [ "$DEV" -eq 0 ] && stamp_ok "$STAMP_DEV"; }; then
  log "packages ok (pyproject.toml unchanged)"
else
  log "installing packages: pip install -e '$TARGET' (about a minute on a fresh venv)"
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
  rm -f "$STAMP_BASE" "$STAMP_DEV"
  "$PY" -m pip install -qq --upgrade pip || die "pip upgrade failed"
  "$PY" -m pip install -qq -e "$PIP_TARGET" \
    || die "pip install -e '$TARGET' failed (see the errors above)"
  echo "$HASH" > "$STAMP_BASE"
  [ "$DEV" -eq 0 ] || echo "$HASH" > "$STAMP_DEV"
  log "packages installed"
fi

# --- 2b. the optional Ray extra ---------------------------------------------------------------
STAMP_RAY="$VENV/.setup-stamp-ray"
if [ "$RAY" -eq 1 ]; then
  if stamp_ok "$STAMP_RAY"; then
    log "ray extra ok (pyproject.toml unchanged)"
  else
    log "installing the ray extra: pip install -e '.[ray]' (Ray is large)"
    "$PY" -m pip install -qq -e "${ROOT}[ray]" || die "pip install -e '.[ray]' failed (see the errors above)"
    echo "$HASH" > "$STAMP_RAY"
    log "ray extra installed"
  fi
fi

# --- 3. Solara offline asset cache -----------------------------------------------------------
CACHE="$("$PY" -c 'from solara.server.settings import assets; print(assets.proxy_cache_dir)')" \
  || die "cannot import solara to locate its asset cache"
[ -n "$CACHE" ] || die "solara reported an empty proxy_cache_dir"
MISSING=()
for spec in "${SOLARA_CDN_SPECS[@]}"; do
  [ -f "$CACHE/$spec/package.json" ] || MISSING+=("$spec")
done
if [ "${#MISSING[@]}" -eq 0 ]; then
  log "solara asset cache ok ($CACHE)"
else
  command -v npm >/dev/null 2>&1 || die "npm is needed to fill Solara's offline asset cache \
(apt-get install npm)"
  log "filling solara asset cache ($CACHE): ${MISSING[*]}"
  TMP="$(mktemp -d)"
  for spec in "${MISSING[@]}"; do
    work="$TMP/$(printf '%s' "$spec" | tr '/@' '__')"
    mkdir -p "$work/unpacked"
    tgz="$(cd "$work" && npm pack "$spec" --loglevel=error --no-fund --no-audit | tail -n 1)" \
      || die "npm pack $spec failed"
    [ -f "$work/$tgz" ] || die "npm pack $spec produced no tarball (got '$tgz')"
    tar -xzf "$work/$tgz" -C "$work/unpacked" || die "cannot unpack $tgz for $spec"
    # npm tarballs hold one top-level folder (normally package/).
    top=("$work"/unpacked/*)
    [ "${#top[@]}" -eq 1 ] && [ -d "${top[0]}" ] || die "unexpected layout in the tarball of $spec"
    [ -f "${top[0]}/package.json" ] || die "no package.json in the tarball of $spec"
    dest="$CACHE/$spec"
    mkdir -p "$(dirname "$dest")"
    rm -rf "$dest"
    mv "${top[0]}" "$dest"
  done
  rm -rf "$TMP"; TMP=""
  log "solara asset cache filled ($(du -sh "$CACHE" | cut -f1))"
fi

# --- 4. Chromium for real-browser tests ------------------------------------------------------
if [ "$BROWSER" -eq 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    log "chromium ok (/usr/bin/chromium)"
  else
    command -v apt-get >/dev/null 2>&1 || die "/usr/bin/chromium is missing and apt-get is not \
available: install Chromium and make it /usr/bin/chromium"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null 2>&1 || die "installing chromium needs root (or sudo)"
      SUDO="sudo"
    fi
    log "installing chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null || die "apt-get update failed"
    $SUDO apt-get install -y -qq chromium >/dev/null || die "apt-get install chromium failed"
    [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is missing"
    log "chromium installed ($(/usr/bin/chromium --version 2>/dev/null | tail -n 1))"
  fi
fi

log "done"
