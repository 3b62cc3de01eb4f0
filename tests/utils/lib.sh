#!/usr/bin/env bash
# Shared settings and helpers for the toolchain scripts in tests/utils/.
# Sourced, never run on its own. Every path can be overridden from the environment.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The tool venv (gitignored and in galaxy.yml build_ignore).
PA_VENV="${PA_VENV:-${REPO_ROOT}/.venv}"
# Where the collection is copied to run ansible-test (toolchain P3): gitignored as /build/.
PA_BUILD_DIR="${PA_BUILD_DIR:-${REPO_ROOT}/build}"
PA_COLLECTIONS_ROOT="${PA_BUILD_DIR}/collections"
PA_COLLECTION_DIR="${PA_COLLECTIONS_ROOT}/ansible_collections/pythonanywhere/pythonanywhere"
# The Python ansible-test and every venv is pinned to (toolchain P2).
PA_PYTHON_VERSION="${PA_PYTHON_VERSION:-3.11}"
# Rate limit window of the test simulator, in seconds (compressed from PA's 60 s).
PA_RATE_LIMIT="${PA_RATE_LIMIT:-40}"
PA_RATE_PERIOD="${PA_RATE_PERIOD:-6}"

# Exit code a stage uses to say "nothing to run here".
PA_SKIP_RC=77

log() {
    printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"
}

die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# Make the venv's tools and real interpreters come first on PATH (toolchain P2, P5).
activate_venv() {
    [ -x "${PA_VENV}/bin/python" ] || die "no tool venv at ${PA_VENV}: run 'make bootstrap' (or any make target) first"
    export VIRTUAL_ENV="${PA_VENV}"
    export PATH="${PA_VENV}/pybin:${PA_VENV}/bin:${PATH}"
    export ANSIBLE_PYTHON_INTERPRETER="${PA_VENV}/bin/python"
    export ANSIBLE_NOCOLOR=1
    export ANSIBLE_FORCE_COLOR=0
    export PY_COLORS=0
    export PYTHONDONTWRITEBYTECODE=1
    unset PYENV_VERSION || true
}
