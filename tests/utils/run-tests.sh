#!/usr/bin/env bash
# The collection's test command: `make test` runs `tests/utils/run-tests.sh all`.
#
#   run-tests.sh [STAGE...]     stages: sanity units simulator integration lint changelog docs molecule build
#                               (`all` = every stage, in that order)
#
# Bootstraps the tool venv (tests/utils/bootstrap.sh), copies the work tree to
# build/collections/ansible_collections/pythonanywhere/pythonanywhere/ (toolchain P3) and runs
# every stage there. A failed stage does not stop the others; the run ends with a summary table
# and a closing line "stages: N passed, M failed, K skipped", and exits 1 if any stage failed.
set -uo pipefail
# shellcheck source=tests/utils/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL_STAGES=(sanity units simulator integration lint changelog docs molecule build)
ANSIBLE_TEST_ARGS=(--venv --python "${PA_PYTHON_VERSION}" --color no)

RESULTS=()
SIM_STARTED=0

# ---------------------------------------------------------------- helpers

list_modules() {
    local f
    for f in "${PA_COLLECTION_DIR}"/plugins/modules/*.py; do
        [ -e "${f}" ] || continue
        f="$(basename "${f}" .py)"
        [ "${f}" = "__init__" ] && continue
        printf '%s\n' "${f}"
    done
}

list_integration_targets() {
    # Targets ansible-test would run: not setup_/prepare_ helpers, not disabled/unsupported.
    # PA_INTEGRATION_TARGETS="a b" narrows the run to those targets (when iterating on one).
    local dir name wanted=()
    if [ -n "${PA_INTEGRATION_TARGETS:-}" ]; then
        read -ra wanted <<<"${PA_INTEGRATION_TARGETS}"
        printf '%s\n' "${wanted[@]}"
        return 0
    fi
    for dir in "${PA_COLLECTION_DIR}"/tests/integration/targets/*/; do
        [ -d "${dir}" ] || continue
        name="$(basename "${dir}")"
        case "${name}" in setup_* | prepare_*) continue ;; esac
        if [ -f "${dir}/aliases" ] && grep -qE '^(disabled|unsupported|hidden)\b' "${dir}/aliases"; then
            continue
        fi
        printf '%s\n' "${name}"
    done
}

list_molecule_scenarios() {
    local f
    for f in "${PA_COLLECTION_DIR}"/extensions/molecule/*/molecule.yml; do
        [ -e "${f}" ] || continue
        basename "$(dirname "${f}")"
    done
}

start_simulator() {
    [ "${SIM_STARTED}" = 1 ] && return 0
    local lines
    log "starting the simulator (rate limit ${PA_RATE_LIMIT} per ${PA_RATE_PERIOD} s)"
    lines="$(PA_SIMULATOR_SRC="${PA_COLLECTION_DIR}/tests/simulator" bash "${REPO_ROOT}/tests/utils/simulator.sh" start "${SIM_STATE_DIR}")" || return 1
    eval "${lines}"
    export PA_SIMULATOR_URL PA_SIMULATOR_ADMIN_URL PA_SIMULATOR_PID PA_SIMULATOR_CERT PA_SIMULATOR_WEB_URL
    export PA_RATE_LIMIT_PERIOD="${PA_RATE_PERIOD}"
    SIM_STARTED=1
    log "simulator ${PA_SIMULATOR_PID} listening on ${PA_SIMULATOR_URL}"
}

stop_simulator() {
    [ "${SIM_STARTED}" = 1 ] || return 0
    bash "${REPO_ROOT}/tests/utils/simulator.sh" stop "${SIM_STATE_DIR}" || true
    SIM_STARTED=0
}

write_integration_config() {
    # Vars every integration target gets (ansible-test passes the file as extra vars).
    cat >"${PA_COLLECTION_DIR}/tests/integration/integration_config.yml" <<EOF
---
pa_simulator_url: "${PA_SIMULATOR_URL}"
pa_simulator_admin_url: "${PA_SIMULATOR_ADMIN_URL}"
pa_simulator_ca_cert: "${PA_SIMULATOR_CERT}"
pa_simulator_web_url: "${PA_SIMULATOR_WEB_URL:-}"
pa_rate_limit_period: ${PA_RATE_PERIOD}
EOF
}

# ---------------------------------------------------------------- stages
# Each stage_X runs in a subshell with errexit on, cwd = the build copy.
# Exit 0 = PASS, ${PA_SKIP_RC} = SKIP (nothing to run), anything else = FAIL.
# precheck_X (optional) runs first in this shell, and may skip the stage.
# prepare_X (optional) runs in this shell too, e.g. to start the simulator.

stage_sanity() {
    local ignores
    ignores="$(find tests/sanity -name 'ignore-*.txt' 2>/dev/null || true)"
    if [ -n "${ignores}" ]; then
        echo "sanity ignore files are not allowed (fix the code instead): ${ignores}"
        return 1
    fi
    ansible-test sanity "${ANSIBLE_TEST_ARGS[@]}"
}

precheck_units() {
    if [ -z "$(find "${PA_COLLECTION_DIR}/tests/unit" -name 'test_*.py' 2>/dev/null | head -1)" ]; then
        echo "no unit tests (tests/unit/**/test_*.py) yet"
        return "${PA_SKIP_RC}"
    fi
}

stage_units() {
    ansible-test units "${ANSIBLE_TEST_ARGS[@]}"
}

precheck_simulator() {
    if [ -z "$(find "${PA_COLLECTION_DIR}/tests/simulator/tests" -name 'test_*.py' 2>/dev/null | head -1)" ]; then
        echo "no simulator tests (tests/simulator/tests/test_*.py) yet"
        return "${PA_SKIP_RC}"
    fi
}

stage_simulator() {
    local rc=0
    PYTHONPATH="${PA_COLLECTION_DIR}/tests/simulator" python -m pytest -p no:cacheprovider -q \
        tests/simulator/tests || rc=$?
    if [ "${rc}" = 5 ]; then
        echo "pytest collected no simulator tests"
        return "${PA_SKIP_RC}"
    fi
    return "${rc}"
}

precheck_integration() {
    if [ -z "$(list_integration_targets)" ]; then
        echo "no integration targets (other than setup_/prepare_ helpers) yet"
        return "${PA_SKIP_RC}"
    fi
}

prepare_integration() {
    start_simulator && write_integration_config
}

order_targets() {
    # order_targets TARGET... -> the targets, longest first: by their run time in the previous
    # run here (build/integration-times.txt), else in a reference run (tests/utils/integration-times.txt,
    # for fresh clones such as CI's), else by the size of their task files.
    python - "${REPO_ROOT}/tests/utils/integration-times.txt" "${PA_BUILD_DIR}/integration-times.txt" "$@" <<'PY'
import pathlib
import sys

times_files, targets = sys.argv[1:3], sys.argv[3:]
root = pathlib.Path('tests/integration/targets')
times = {}
for times_file in map(pathlib.Path, times_files):
    if times_file.exists():
        for line in times_file.read_text().splitlines():
            name, _, secs = line.partition(' ')
            if name and not name.startswith('#'):
                times[name] = float(secs.split()[0] if secs.split() else 0)


def weight(name):
    if name in times:
        return times[name]
    # about 0.1 s per line of tasks when nothing better is known
    return 0.1 * sum(len(p.read_text(errors='replace').splitlines()) for p in (root / name).rglob('*.yml'))


print('\n'.join(sorted(targets, key=weight, reverse=True)))
PY
}

next_target() {
    # Pop the first line of the queue, one worker at a time.
    flock 8
    head -n 1 "${QUEUE}"
    sed -i 1d "${QUEUE}"
} 8>>"${PA_RUN_DIR}/integration-queue.lock"

integration_worker() {
    # integration_worker N: take targets from the queue until it is empty; run each with
    # ansible-test in this worker's own copy of the collection; record "target PASS|FAIL secs".
    local n="$1" dir target start rc
    dir="${PA_RUN_DIR}/integration-${n}/ansible_collections/pythonanywhere/pythonanywhere"
    mkdir -p "$(dirname "${dir}")"
    cp -a "${PA_COLLECTION_DIR}" "${dir}"
    while :; do
        target="$(next_target)"
        [ -n "${target}" ] || break
        start="$(date +%s)"
        rc=0
        (cd "${dir}" && exec ansible-test integration "${ANSIBLE_TEST_ARGS[@]}" "${target}") \
            >"${PA_RUN_DIR}/integration-${target}.log" 2>&1 || rc=$?
        if [ "${rc}" = 0 ]; then
            echo "${target} PASS $(($(date +%s) - start)) ${n}" >>"${RESULTS_FILE}"
        else
            echo "${target} FAIL $(($(date +%s) - start)) ${n}" >>"${RESULTS_FILE}"
        fi
    done
}

stage_integration() {
    # Targets run in PA_INTEGRATION_JOBS parallel workers (default 3: many tasks wait on the
    # API's pacing rather than the CPU), each an ansible-test run per target in the worker's own
    # copy of the collection (ansible-test writes its inventory and venv there), all against the
    # one simulator: every target has its own account, so they do not slow each other down.
    local jobs found=() targets=() pids=() i rc=0 target result secs worker
    mapfile -t found < <(list_integration_targets)
    mapfile -t targets < <(order_targets "${found[@]}")
    jobs="${PA_INTEGRATION_JOBS:-3}"
    [ "${jobs}" -le "${#targets[@]}" ] || jobs="${#targets[@]}"
    echo "targets, longest first: ${targets[*]}"
    echo "workers: ${jobs} (logs: ${PA_RUN_DIR}/integration-<target>.log)"
    QUEUE="${PA_RUN_DIR}/integration-queue"
    RESULTS_FILE="${PA_RUN_DIR}/integration-results"
    printf '%s\n' "${targets[@]}" >"${QUEUE}"
    : >"${RESULTS_FILE}"
    for i in $(seq 1 "${jobs}"); do
        integration_worker "${i}" &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do
        wait "${i}" || rc=1
    done
    for target in "${targets[@]}"; do
        printf '\n---------- integration target %s ----------\n' "${target}"
        cat "${PA_RUN_DIR}/integration-${target}.log" 2>/dev/null || echo "(no log: the target did not run)"
    done
    printf '\n%-24s %-6s %8s %s\n' target result seconds worker
    for target in "${targets[@]}"; do
        read -r result secs worker < <(awk -v t="${target}" '$1 == t {print $2, $3, $4}' "${RESULTS_FILE}") || true
        printf '%-24s %-6s %8s %s\n' "${target}" "${result:-NOTRUN}" "${secs:-}" "${worker:-}"
        [ "${result:-}" = PASS ] || rc=1
        result="" secs="" worker=""
    done
    # Remember the passing targets' times for the next run's ordering (build/ is not committed).
    awk '$2 == "PASS" {print $1, $3}' "${RESULTS_FILE}" >"${PA_BUILD_DIR}/integration-times.txt" || true
    return "${rc}"
}

stage_lint() {
    # Production profile, no Galaxy (toolchain P8, P9); .ansible-lint holds the excludes.
    # The copy is already under ansible_collections/: point Ansible there, so that playbooks
    # (docs/examples, molecule) resolve the collection's modules by FQCN.
    ANSIBLE_COLLECTIONS_PATH="${PA_COLLECTIONS_ROOT}" ansible-lint --profile production --offline --nocolor
}

stage_changelog() {
    antsibull-changelog lint
}

stage_docs() {
    antsibull-docs lint-collection-docs --plugin-docs .
}

precheck_molecule() {
    if [ -z "$(list_molecule_scenarios)" ]; then
        echo "no molecule scenarios (extensions/molecule/*/molecule.yml) yet"
        return "${PA_SKIP_RC}"
    fi
}

prepare_molecule() {
    start_simulator
}

stage_molecule() {
    # Scenarios reach the simulator through PA_SIMULATOR_URL / PA_SIMULATOR_ADMIN_URL /
    # PA_RATE_LIMIT_PERIOD, and the collection through ANSIBLE_COLLECTIONS_PATH.
    echo "scenarios: $(list_molecule_scenarios | tr '\n' ' ')"
    cd extensions
    ANSIBLE_COLLECTIONS_PATH="${PA_COLLECTIONS_ROOT}" molecule test --all
}

stage_build() {
    local dist="${PA_RUN_DIR}/dist" installed="${PA_RUN_DIR}/installed" tarball module modules=() role failed=0
    rm -rf "${dist}" "${installed}"
    ansible-galaxy collection build --force --output-path "${dist}" .
    tarball="$(ls "${dist}"/pythonanywhere-pythonanywhere-*.tar.gz)"
    # Nothing of the toolchain may end up in the artifact.
    if tar -tzf "${tarball}" | grep -E '^(\.venv|\.ansible|build|tests/output|\.git)/'; then
        echo "FAIL: the tarball carries toolchain files (see above): fix build_ignore in galaxy.yml"
        failed=1
    fi
    ansible-galaxy collection install --force -p "${installed}" "${tarball}"
    export ANSIBLE_COLLECTIONS_PATH="${installed}"
    # The action group must list every module, or module_defaults silently skips it.
    python - <<'PY' || failed=1
import pathlib
import sys

import yaml

runtime = yaml.safe_load(pathlib.Path('meta/runtime.yml').read_text()) or {}
group = set((runtime.get('action_groups') or {}).get('all') or [])
modules = {p.stem for p in pathlib.Path('plugins/modules').glob('*.py') if p.stem != '__init__'}
missing, extra = sorted(modules - group), sorted(group - modules)
if missing or extra:
    print('meta/runtime.yml action_groups.all: missing %s, unknown %s' % (missing, extra))
    sys.exit(1)
print('action group "all" lists all %d modules' % len(modules))
PY
    # One ansible-doc for all modules (about 1 s each otherwise); one by one only to name a failure.
    mapfile -t modules < <(list_modules | sed 's/^/pythonanywhere.pythonanywhere./')
    if [ "${#modules[@]}" -gt 0 ]; then
        if ansible-doc "${modules[@]}" >/dev/null; then
            echo "ansible-doc of ${#modules[@]} modules from the installed tarball: ok"
        else
            failed=1
            for module in "${modules[@]}"; do
                ansible-doc "${module}" >/dev/null 2>&1 || echo "ansible-doc ${module}: FAILED"
            done
        fi
    fi
    for role in roles/*/; do
        [ -f "${role}/meta/argument_specs.yml" ] || continue
        role="$(basename "${role}")"
        if ansible-doc -t role "pythonanywhere.pythonanywhere.${role}" >/dev/null; then
            echo "ansible-doc -t role ${role}: ok"
        else
            echo "ansible-doc -t role ${role}: FAILED"
            failed=1
        fi
    done
    return "${failed}"
}

# ---------------------------------------------------------------- runner

run_stage() {
    local name="$1" start rc=0 result
    start="$(date +%s)"
    printf '\n==================== STAGE %s ====================\n' "${name}"
    if declare -F "precheck_${name}" >/dev/null; then
        "precheck_${name}" || rc=$?
    fi
    if [ "${rc}" = 0 ] && declare -F "prepare_${name}" >/dev/null; then
        "prepare_${name}" || rc=$?
    fi
    if [ "${rc}" = 0 ]; then
        (
            set -euo pipefail
            cd "${PA_COLLECTION_DIR}"
            "stage_${name}"
        )
        rc=$?
    fi
    case "${rc}" in
    0) result=PASS ;;
    "${PA_SKIP_RC}") result=SKIP ;;
    *) result=FAIL ;;
    esac
    RESULTS+=("${name} ${result} $(($(date +%s) - start))")
    printf '==================== %s: %s (%ss) ====================\n' "${name}" "${result}" "$(($(date +%s) - start))"
}

summary() {
    local line name result secs passed=0 failed=0 skipped=0
    printf '\n==================== SUMMARY ====================\n'
    printf '%-14s %-6s %8s\n' stage result seconds
    for line in "${RESULTS[@]}"; do
        read -r name result secs <<<"${line}"
        printf '%-14s %-6s %8s\n' "${name}" "${result}" "${secs}"
        case "${result}" in
        PASS) passed=$((passed + 1)) ;;
        FAIL) failed=$((failed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        esac
    done
    printf '%-14s %-6s %8s\n' total "" "$(($(date +%s) - RUN_START))"
    if [ "${skipped}" -gt 0 ]; then
        printf 'stages: %d passed, %d failed, %d skipped\n' "${passed}" "${failed}" "${skipped}"
    else
        printf 'stages: %d passed, %d failed\n' "${passed}" "${failed}"
    fi
    [ "${failed}" = 0 ]
}

main() {
    local stages=() stage known start
    for stage in "$@"; do
        if [ "${stage}" = all ]; then
            stages+=("${ALL_STAGES[@]}")
            continue
        fi
        known=0
        for start in "${ALL_STAGES[@]}"; do [ "${start}" = "${stage}" ] && known=1; done
        [ "${known}" = 1 ] || die "unknown stage '${stage}' (known: all ${ALL_STAGES[*]})"
        stages+=("${stage}")
    done
    [ "${#stages[@]}" -gt 0 ] || stages=("${ALL_STAGES[@]}")

    RUN_START="$(date +%s)"
    start="${RUN_START}"
    init_run_dir test
    SIM_STATE_DIR="${PA_RUN_DIR}/simulator-state"
    bash "${REPO_ROOT}/tests/utils/bootstrap.sh" || die "bootstrap failed"
    activate_venv
    sync_copy || die "could not copy the collection to ${PA_COLLECTION_DIR}"
    log "tools ready, collection copied to ${PA_COLLECTION_DIR} ($(($(date +%s) - start)) s)"
    trap stop_simulator EXIT
    trap 'exit 130' INT TERM

    for stage in "${stages[@]}"; do
        run_stage "${stage}"
    done
    stop_simulator
    summary
}

main "$@"
