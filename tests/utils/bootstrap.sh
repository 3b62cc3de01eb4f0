#!/usr/bin/env bash
# Create or refresh the pinned venvs, install shellcheck, and put the offline get-pip stand-in where
# ansible-test looks for it (toolchain P1). Idempotent: a second run with unchanged requirements only
# checks a stamp file per venv.
#
#   bootstrap.sh                 the tool venv PA_VENV (tests/requirements-dev.txt, ansible-core PA_CORE_DEFAULT)
#   bootstrap.sh core CORE...    also the venv of each ansible-core of the matrix (lib.sh PA_CORE_MATRIX)
#   bootstrap.sh galaxy          also the galaxy-importer venv (tests/requirements-dev-galaxy.txt)
set -euo pipefail
# shellcheck source=tests/utils/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TESTS="${REPO_ROOT}/tests"

install_shellcheck() {
    # ansible-test only warns when shellcheck is missing (P14): make it present.
    if command -v shellcheck >/dev/null 2>&1; then
        return 0
    fi
    log "installing shellcheck with apt-get"
    if [ "$(id -u)" = 0 ]; then
        { apt-get install -y -q shellcheck || { apt-get update -q && apt-get install -y -q shellcheck; }; } >/dev/null 2>&1 || true
    fi
    command -v shellcheck >/dev/null 2>&1 || die "shellcheck is missing and could not be installed (apt-get install -y shellcheck)"
}

write_get_pip_standin() {
    # write_get_pip_standin VENV: ansible-test --venv downloads get-pip-<ver>.py from a host this
    # machine cannot reach (P1). A stand-in in its cache (one per pip version that VENV's ansible-test
    # pins) uses ensurepip, then pip from PyPI, with the arguments it was given.
    local pip_version cache
    pip_version="$("$1/bin/python" - <<'PY'
import pathlib
import re

import ansible_test

src = pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
print(re.search(r"pip='([0-9.]+)'", src.read_text()).group(1))
PY
)"
    cache="${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py"
    mkdir -p "$(dirname "${cache}")"
    cat >"${cache}.$$" <<'PY'
"""Offline stand-in for get-pip.py, written by tests/utils/bootstrap.sh (toolchain P1)."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
    mv "${cache}.$$" "${cache}"
}

make_ansible_test_ssh_key() {
    # ansible-test creates ~/.ansible/test/id_rsa on first use, with ssh-keygen asking before it
    # overwrites: parallel integration workers on a fresh machine race there and fail. Create it
    # here once, exactly as ansible-test does (PEM, "RSA PRIVATE KEY" header for paramiko).
    local key="${HOME}/.ansible/test/id_rsa"
    [ -f "${key}" ] && [ -f "${key}.pub" ] && return 0
    mkdir -p "$(dirname "${key}")"
    rm -f "${key}" "${key}.pub"
    ssh-keygen -m PEM -q -t rsa -N '' -f "${key}" </dev/null >/dev/null
    sed -i -E 's/(BEGIN|END) PRIVATE KEY/\1 RSA PRIVATE KEY/' "${key}"
}

link_interpreters() {
    # Real interpreters first on PATH (P2): pybin/python3.X -> the pyenv binaries.
    local bin root version_dir minor
    bin="${PA_VENV}/pybin"
    mkdir -p "${bin}"
    ln -sfn "${PYTHON}" "${bin}/python${PA_PYTHON_VERSION}"
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root)"
        for version_dir in "${root}"/versions/3.*; do
            [ -d "${version_dir}" ] || continue
            minor="$(basename "${version_dir}" | cut -d. -f1,2)"
            if [ "${minor}" != "${PA_PYTHON_VERSION}" ] && [ -x "${version_dir}/bin/python${minor}" ]; then
                ln -sfn "${version_dir}/bin/python${minor}" "${bin}/python${minor}"
            fi
        done
    fi
}

pip_quiet() {
    # Run pip, dropping the machine's local-index noise from the log, keeping its exit code.
    local out rc=0
    out="$(PIP_DISABLE_PIP_VERSION_CHECK=1 "$@" 2>&1)" || rc=$?
    printf '%s\n' "${out}" | grep -v -e '^WARNING: Location' -e '^$' || true
    return "${rc}"
}

make_venv() {
    # make_venv VENV PYTHON_VERSION CONSTRAINTS REQUIREMENT...: create or refresh VENV with exactly
    # the pinned set (a stamp of the files' hash and the interpreter skips an unchanged venv).
    local venv="$1" version="$2" constraints="$3" python stamp want have
    shift 3
    python="$(find_python "${version}")" || die "Python ${version} not found (see toolchain P17: pyenv's interpreters)"
    stamp="${venv}/.bootstrap-stamp"
    want="$(cat "$@" "${constraints}" | sha256sum | cut -d' ' -f1) ${python}"
    have="$(cat "${stamp}" 2>/dev/null || true)"
    if [ "${want}" = "${have}" ] && [ -x "${venv}/bin/python" ]; then
        return 0
    fi
    log "bootstrapping ${venv} with ${python}"
    if [ ! -x "${venv}/bin/python" ]; then
        "${python}" -m venv "${venv}"
    fi
    pip_quiet "${venv}/bin/python" -m pip install -q --upgrade 'pip>=24'
    pip_quiet "${venv}/bin/python" -m pip install -q --progress-bar off -c "${constraints}" "${@/#/-r}"
    "${venv}/bin/python" -m pip check >/dev/null || die "pip check failed in ${venv}"
    printf '%s\n' "${want}" >"${stamp}"
}

with_lock() {
    # with_lock VENV COMMAND...: one bootstrap of VENV at a time; others wait here.
    local venv="$1" rc=0
    shift
    mkdir -p "${venv}"
    exec {lock_fd}>"${venv}/.bootstrap.lock"
    flock "${lock_fd}"
    "$@" || rc=$?
    exec {lock_fd}>&-
    return "${rc}"
}

tool_venv() {
    make_venv "${PA_VENV}" "${PA_PYTHON_VERSION}" "${TESTS}/requirements-dev-constraints.txt" "${TESTS}/requirements-dev.txt"
    "${PA_VENV}/bin/ansible-test" --version >/dev/null || die "ansible-test is not installed in ${PA_VENV}"
    PYTHON="$(find_python "${PA_PYTHON_VERSION}")"
    link_interpreters
    write_get_pip_standin "${PA_VENV}"
    make_ansible_test_ssh_key
    install_shellcheck
}

core_venv_bootstrap() {
    local core="$1" venv python_version constraints
    venv="$(core_venv "${core}")"
    [ "${venv}" = "${PA_VENV}" ] && return 0
    python_version="$(core_python "${core}")" || die "ansible-core ${core} is not in the matrix (${PA_CORE_MATRIX})"
    constraints="${TESTS}/requirements-dev-core${core}-constraints.txt"
    [ -f "${constraints}" ] || die "no pin set ${constraints} for ansible-core ${core}"
    make_venv "${venv}" "${python_version}" "${constraints}" "${TESTS}/requirements-dev-core.txt"
    write_get_pip_standin "${venv}"
}

galaxy_venv_bootstrap() {
    make_venv "${PA_VENV}/galaxy" "${PA_PYTHON_VERSION}" "${TESTS}/requirements-dev-galaxy-constraints.txt" \
        "${TESTS}/requirements-dev-galaxy.txt"
}

main() {
    local what="${1:-}" core
    with_lock "${PA_VENV}" tool_venv
    case "${what}" in
    "") ;;
    core)
        shift
        for core in "$@"; do
            with_lock "$(core_venv "${core}")" core_venv_bootstrap "${core}"
        done
        ;;
    galaxy) with_lock "${PA_VENV}/galaxy" galaxy_venv_bootstrap ;;
    *) die "usage: $0 [core CORE... | galaxy]" ;;
    esac
}

main "$@"
