#!/usr/bin/env bash
# Shared settings and helpers for the toolchain scripts in tests/utils/.
# Sourced, never run on its own. Every path can be overridden from the environment.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The tool venv (gitignored and in galaxy.yml build_ignore).
PA_VENV="${PA_VENV:-${REPO_ROOT}/.venv}"
# Where the collection is copied to run ansible-test (toolchain P3): gitignored as /build/.
# Each run gets its own PA_RUN_DIR below it (see init_run_dir), so that several engineers can
# run make targets in the same work tree at once.
PA_BUILD_DIR="${PA_BUILD_DIR:-${REPO_ROOT}/build}"
# The Python of the tool venv (toolchain P2).
PA_PYTHON_VERSION="${PA_PYTHON_VERSION:-3.11}"
# The ansible-core matrix: CORE:PYTHON pairs, every version the collection claims (meta/runtime.yml
# requires_ansible). PA_CORE_DEFAULT is the tool venv's ansible-core (tests/requirements-dev.txt); every
# other version has a venv of its own, ${PA_VENV}/cores/<core>, made by `bootstrap.sh core <core>` from
# tests/requirements-dev-core.txt and tests/requirements-dev-core<core>-constraints.txt.
PA_CORE_MATRIX="${PA_CORE_MATRIX:-2.18:3.11 2.19:3.11 2.20:3.12 2.21:3.13}"
PA_CORE_DEFAULT="${PA_CORE_DEFAULT:-2.19}"
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

sync_copy() {
    # Copy tracked and untracked-but-not-ignored files (what git would see), plus .git so that
    # ansible-test lists files the same way (toolchain P3, P4). Ignored files never go over.
    local dest="${PA_COLLECTION_DIR}"
    rm -rf "${dest}"
    mkdir -p "${dest}"
    (
        cd "${REPO_ROOT}" || exit 1
        git ls-files -z --cached --others --exclude-standard |
            tar --null --ignore-failed-read -T - -cf - 2>/dev/null
    ) | tar -xf - -C "${dest}"
    cp -a "${REPO_ROOT}/.git" "${dest}/.git"
    # The copy's index must not list files that are deleted in the work tree.
    (cd "${dest}" && git ls-files -z --deleted | xargs -0 -r git rm -q --cached --) >/dev/null 2>&1 || true
}

init_run_dir() {
    # init_run_dir KIND: create PA_RUN_DIR=$PA_BUILD_DIR/KIND-<pid> and set the copy's paths.
    # Run dirs whose owner process is gone are removed first (the last one is kept until the
    # next run, for its tests/output/).
    local kind="$1" dir owner
    mkdir -p "${PA_BUILD_DIR}"
    for dir in "${PA_BUILD_DIR}"/*-[0-9]*/; do
        [ -d "${dir}" ] || continue
        owner="$(cat "${dir}/owner.pid" 2>/dev/null || true)"
        if [ -z "${owner}" ] || ! kill -0 "${owner}" 2>/dev/null; then
            rm -rf "${dir}"
        fi
    done
    PA_RUN_DIR="${PA_BUILD_DIR}/${kind}-$$"
    PA_COLLECTIONS_ROOT="${PA_RUN_DIR}/collections"
    PA_COLLECTION_DIR="${PA_COLLECTIONS_ROOT}/ansible_collections/pythonanywhere/pythonanywhere"
    mkdir -p "${PA_RUN_DIR}"
    printf '%s\n' "$$" >"${PA_RUN_DIR}/owner.pid"
}

# ---------------------------------------------------------------- the ansible-core matrix

core_versions() {
    local entry
    for entry in ${PA_CORE_MATRIX}; do
        printf '%s\n' "${entry%%:*}"
    done
}

core_oldest() { core_versions | sort -V | head -n 1; }
core_newest() { core_versions | sort -V | tail -n 1; }

core_python() {
    # core_python CORE -> the Python version (X.Y) it runs on
    local entry
    for entry in ${PA_CORE_MATRIX}; do
        if [ "${entry%%:*}" = "$1" ]; then
            printf '%s\n' "${entry#*:}"
            return 0
        fi
    done
    return 1
}

core_venv() {
    # core_venv CORE -> the venv holding that ansible-core
    if [ "$1" = "${PA_CORE_DEFAULT}" ]; then
        printf '%s\n' "${PA_VENV}"
    else
        printf '%s\n' "${PA_VENV}/cores/$1"
    fi
}

activate_core() {
    # activate_core CORE: that core's ansible-test, ansible-playbook and molecule first on PATH, its
    # Python for modules (P5). Call it in a subshell, after activate_venv.
    local venv
    venv="$(core_venv "$1")"
    [ -x "${venv}/bin/ansible-test" ] || die "no venv for ansible-core $1 at ${venv}: run 'bash tests/utils/bootstrap.sh core $1'"
    export VIRTUAL_ENV="${venv}"
    export PATH="${venv}/bin:${PATH}"
    export ANSIBLE_PYTHON_INTERPRETER="${venv}/bin/python"
}

find_python() {
    # find_python X.Y -> the real interpreter: pyenv's binary first, since the shims exit 127 once
    # PYENV_VERSION is scrubbed (P2).
    local version="$1" candidate root
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root)"
        for candidate in "${root}/versions/${version}".*/bin/"python${version}"; do
            if [ -x "${candidate}" ]; then
                printf '%s\n' "${candidate}"
                return 0
            fi
        done
    fi
    for candidate in "python${version}" python3; do
        if command -v "${candidate}" >/dev/null 2>&1 &&
            "${candidate}" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '${version}' else 1)" 2>/dev/null; then
            # Resolve to the real binary so that PATH games cannot break it later.
            "${candidate}" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}
