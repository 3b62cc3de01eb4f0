#!/usr/bin/env bash
# Create or refresh the tool venv from the pinned requirements, install shellcheck,
# and put the offline get-pip stand-in where ansible-test looks for it (toolchain P1).
# Idempotent: a second run with unchanged requirements only checks a stamp file.
set -euo pipefail
# shellcheck source=tests/utils/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REQS=("${REPO_ROOT}/tests/requirements-dev.txt")
CONSTRAINTS="${REPO_ROOT}/tests/requirements-dev-constraints.txt"

find_python() {
    # Prefer the real pyenv interpreter: the shims exit 127 once PYENV_VERSION is scrubbed (P2).
    local candidate root
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root)"
        for candidate in "${root}/versions/${PA_PYTHON_VERSION}".*/bin/"python${PA_PYTHON_VERSION}"; do
            if [ -x "${candidate}" ]; then
                printf '%s\n' "${candidate}"
                return 0
            fi
        done
    fi
    for candidate in "python${PA_PYTHON_VERSION}" python3; do
        if command -v "${candidate}" >/dev/null 2>&1 &&
            "${candidate}" -c "import sys; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '${PA_PYTHON_VERSION}' else 1)" 2>/dev/null; then
            # Resolve to the real binary so that PATH games cannot break it later.
            "${candidate}" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}

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
    # ansible-test --venv downloads get-pip-<ver>.py from a host this machine cannot reach (P1).
    # A stand-in in its cache uses ensurepip, then pip from PyPI, with the arguments it was given.
    local pip_version cache
    pip_version="$("${PA_VENV}/bin/python" - <<'PY'
import pathlib
import re

import ansible_test

src = pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
print(re.search(r"pip='([0-9.]+)'", src.read_text()).group(1))
PY
)"
    cache="${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py"
    mkdir -p "$(dirname "${cache}")"
    cat >"${cache}.tmp" <<'PY'
"""Offline stand-in for get-pip.py, written by tests/utils/bootstrap.sh (toolchain P1)."""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
    mv "${cache}.tmp" "${cache}"
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

main() {
    local stamp want have
    PYTHON="$(find_python)" || die "Python ${PA_PYTHON_VERSION} not found"
    stamp="${PA_VENV}/.bootstrap-stamp"
    want="$(cat "${REQS[@]}" "${CONSTRAINTS}" | sha256sum | cut -d' ' -f1) ${PYTHON}"
    have="$(cat "${stamp}" 2>/dev/null || true)"

    if [ "${want}" != "${have}" ] || [ ! -x "${PA_VENV}/bin/ansible-test" ]; then
        log "bootstrapping tool venv ${PA_VENV} with ${PYTHON}"
        if [ ! -x "${PA_VENV}/bin/python" ]; then
            "${PYTHON}" -m venv "${PA_VENV}"
        fi
        pip_quiet "${PA_VENV}/bin/python" -m pip install -q --upgrade 'pip>=24'
        pip_quiet "${PA_VENV}/bin/python" -m pip install -q --progress-bar off -c "${CONSTRAINTS}" -r "${REQS[0]}"
        "${PA_VENV}/bin/python" -m pip check >/dev/null || die "pip check failed in ${PA_VENV}"
        "${PA_VENV}/bin/ansible-test" --version >/dev/null || die "ansible-test is not installed in ${PA_VENV}"
        printf '%s\n' "${want}" >"${stamp}"
    fi
    link_interpreters
    write_get_pip_standin
    make_ansible_test_ssh_key
    install_shellcheck
}

# One bootstrap at a time per venv: others running make in the same tree wait here.
mkdir -p "${PA_VENV}"
exec 9>"${PA_VENV}/.bootstrap.lock"
flock 9
main "$@"
