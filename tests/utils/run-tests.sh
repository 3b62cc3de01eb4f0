#!/usr/bin/env bash
# The collection's test command: `make test` runs `tests/utils/run-tests.sh all`.
#
#   run-tests.sh [STAGE[@CORE[,CORE...]]...]
#       stages: sanity units simulator integration lint changelog docs docs-site molecule build galaxy ee
#       CORE: an ansible-core of the matrix (lib.sh PA_CORE_MATRIX), for the stages that run per
#       ansible-core (sanity units integration molecule); without one, PA_CORES or else the tool
#       venv's core (PA_CORE_DEFAULT). `all` = every stage over the matrix (see plan_all).
#
# Bootstraps the venvs it needs (tests/utils/bootstrap.sh), copies the work tree to
# build/test-<pid>/collections/ansible_collections/pythonanywhere/pythonanywhere/ (toolchain P3) and runs
# every stage there. Each stage's output goes to build/test-<pid>/logs/<stage>.log; the console gets one
# line per stage (and per integration target) as it ends, and a failed stage's last lines. A failed
# stage does not stop the others; the run ends with a summary table, the ansible-core matrix and a
# closing line "stages: N passed, M failed, K skipped", and exits 1 if any stage failed.
set -uo pipefail
# shellcheck source=tests/utils/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALL_STAGES=(sanity units simulator integration lint changelog docs docs-site molecule build galaxy ee)
# Stages that run with one ansible-core of the matrix (integration: with one or more at once).
CORE_STAGES=" sanity units integration molecule "
# Lines of a failed stage's log shown on the console, and the lines that say what failed.
PA_FAIL_LINES="${PA_FAIL_LINES:-40}"
ERROR_LINES='^(ERROR|FATAL|FAILED|CRITICAL)|^E  |fatal: \[|FAILED!|^[a-z_/.-]+:[0-9]+(:[0-9]+)?: |^stages: |FAIL( |$)'


SIM_STARTED=0
LANE_PID=""

# ---------------------------------------------------------------- helpers

progress() {
    # One line on the console (fd 3), whatever the stage's output is redirected to.
    printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&3
}

rel() {
    # A path as shown to people: relative to the repository when it is inside it.
    case "$1" in
    "${REPO_ROOT}"/*) printf '%s\n' "${1#"${REPO_ROOT}"/}" ;;
    *) printf '%s\n' "$1" ;;
    esac
}

ansible_test_args() {
    # ansible_test_args CORE -> the arguments every ansible-test command gets for that core
    printf '%s\n' --venv --python "$(core_python "$1")" --color no
}

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
    progress "starting the simulator (rate limit ${PA_RATE_LIMIT} per ${PA_RATE_PERIOD} s)"
    lines="$(PA_SIMULATOR_SRC="${PA_COLLECTION_DIR}/tests/simulator" bash "${REPO_ROOT}/tests/utils/simulator.sh" start "${SIM_STATE_DIR}")" || return 1
    eval "${lines}"
    export PA_SIMULATOR_URL PA_SIMULATOR_ADMIN_URL PA_SIMULATOR_PID PA_SIMULATOR_CERT PA_SIMULATOR_WEB_URL
    export PA_RATE_LIMIT_PERIOD="${PA_RATE_PERIOD}"
    SIM_STARTED=1
    progress "simulator ${PA_SIMULATOR_PID} listening on ${PA_SIMULATOR_URL} (log: $(rel "${SIM_STATE_DIR}")/simulator.log)"
}

stop_simulator() {
    [ "${SIM_STARTED}" = 1 ] || return 0
    bash "${REPO_ROOT}/tests/utils/simulator.sh" stop "${SIM_STATE_DIR}" || true
    SIM_STARTED=0
}

write_integration_config() {
    # write_integration_config [FILE]: the vars every integration target gets (ansible-test passes the
    # file as extra vars), for the simulator of PA_SIMULATOR_*; FILE defaults to the copy's own.
    cat >"${1:-${PA_COLLECTION_DIR}/tests/integration/integration_config.yml}" <<EOC
---
pa_simulator_url: "${PA_SIMULATOR_URL}"
pa_simulator_admin_url: "${PA_SIMULATOR_ADMIN_URL}"
pa_simulator_ca_cert: "${PA_SIMULATOR_CERT}"
pa_simulator_web_url: "${PA_SIMULATOR_WEB_URL:-}"
pa_rate_limit_period: ${PA_RATE_PERIOD}
EOC
}

build_tarball() {
    # build_tarball DIR -> builds the collection into DIR (emptied first), prints the tarball's path
    rm -rf "$1"
    ansible-galaxy collection build --force --output-path "$1" . >/dev/null
    ls "$1"/pythonanywhere-pythonanywhere-*.tar.gz
}

install_tarball() {
    # install_tarball TARBALL DIR: install the collection into DIR (a collections path of its own)
    ANSIBLE_COLLECTIONS_PATH="$2" ansible-galaxy collection install --force -p "$2" "$1" >/dev/null
}

record_matrix() {
    # record_matrix CORE KIND RESULT: one cell of the ansible-core matrix in the summary
    printf '%s %s %s\n' "$1" "$2" "$3" >>"${PA_RUN_DIR}/matrix"
}

# ---------------------------------------------------------------- stages
# Each stage_X runs in a subshell with errexit on, cwd = the build copy, output to its log file
# (progress() reaches the console). STAGE_CORES holds its ansible-core(s), the first one activated.
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
    # shellcheck disable=SC2046  # one argument per line
    ansible-test sanity $(ansible_test_args "${STAGE_CORES}")
}

precheck_units() {
    if [ -z "$(find "${PA_COLLECTION_DIR}/tests/unit" -name 'test_*.py' 2>/dev/null | head -1)" ]; then
        echo "no unit tests (tests/unit/**/test_*.py) yet"
        return "${PA_SKIP_RC}"
    fi
}

stage_units() {
    # ansible-test installs its own pinned pytest; tests/unit/requirements.txt pins ours.
    # shellcheck disable=SC2046
    ansible-test units $(ansible_test_args "${STAGE_CORES}")
}

precheck_simulator() {
    if [ -z "$(find "${PA_COLLECTION_DIR}/tests/simulator/tests" -name 'test_*.py' 2>/dev/null | head -1)" ]; then
        echo "no simulator tests (tests/simulator/tests/test_*.py) yet"
        return "${PA_SKIP_RC}"
    fi
}

stage_simulator() {
    local rc=0
    PYTHONPATH="${PA_COLLECTION_DIR}/tests/simulator" "${PA_VENV}/bin/python" -m pytest -p no:cacheprovider -q \
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
    "${PA_VENV}/bin/python" - "${REPO_ROOT}/tests/utils/integration-times.txt" "${PA_BUILD_DIR}/integration-times.txt" "$@" <<'PY'
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

start_core_simulators() {
    # start_core_simulators CORE...: one simulator per ansible-core, each described by
    # PA_RUN_DIR/integration_config-CORE.yml. A target runs for two cores at once, and what a target
    # holds on its simulator must not be shared with its twin: module_examples' account alice, the
    # simulator-wide fast_schedule that the command targets switch. The first core uses the stage's
    # simulator; the others get their own, stopped by stop_core_simulators.
    local core lines first=1
    for core in "$@"; do
        if [ "${first}" = 1 ]; then
            first=0
            write_integration_config "${PA_RUN_DIR}/integration_config-${core}.yml"
            continue
        fi
        lines="$(PA_SIMULATOR_SRC="${PA_COLLECTION_DIR}/tests/simulator" \
            bash "${REPO_ROOT}/tests/utils/simulator.sh" start "${PA_RUN_DIR}/simulator-state-${core}")" || return 1
        (eval "${lines}" && write_integration_config "${PA_RUN_DIR}/integration_config-${core}.yml")
        progress "  simulator for ansible-core ${core}: $(awk -F'"' '/^pa_simulator_url/ {print $2}' "${PA_RUN_DIR}/integration_config-${core}.yml")"
    done
}

stop_core_simulators() {
    local state
    for state in "${PA_RUN_DIR}"/simulator-state-*; do
        [ -d "${state}" ] && bash "${REPO_ROOT}/tests/utils/simulator.sh" stop "${state}" >/dev/null 2>&1
    done
    return 0
}

next_item() {
    # Pop the first line of the queue, one worker at a time.
    flock 8
    head -n 1 "${QUEUE}"
    sed -i 1d "${QUEUE}"
} 8>>"${PA_RUN_DIR}/integration-queue.lock"

integration_worker() {
    # integration_worker N: take "target core" items from the queue until it is empty; run each
    # with that core's ansible-test in this worker's own copy of the collection for that core;
    # record "target core PASS|FAIL secs worker" and print one line as each ends.
    local n="$1" dir target core start rc result secs log
    while :; do
        read -r target core < <(next_item) || true
        [ -n "${target:-}" ] || break
        dir="${PA_RUN_DIR}/integration-${n}-${core}/ansible_collections/pythonanywhere/pythonanywhere"
        if [ ! -d "${dir}" ]; then
            mkdir -p "$(dirname "${dir}")"
            cp -a "${PA_COLLECTION_DIR}" "${dir}"
            cp "${PA_RUN_DIR}/integration_config-${core}.yml" "${dir}/tests/integration/integration_config.yml"
        fi
        log="${PA_RUN_DIR}/logs/integration/${target}@${core}.log"
        start="$(date +%s)"
        rc=0
        # shellcheck disable=SC2046
        (cd "${dir}" && activate_core "${core}" && exec ansible-test integration $(ansible_test_args "${core}") "${target}") \
            >"${log}" 2>&1 || rc=$?
        secs=$(($(date +%s) - start))
        result=PASS
        [ "${rc}" = 0 ] || result=FAIL
        echo "${target} ${core} ${result} ${secs} ${n}" >>"${RESULTS_FILE}"
        if [ "${result}" = PASS ]; then
            progress "  integration ${target}@${core}: PASS ${secs} s"
        else
            progress "  integration ${target}@${core}: FAIL ${secs} s (log: $(rel "${log}"))"
        fi
        target=""
    done
}

stage_integration() {
    # Targets run in PA_INTEGRATION_JOBS parallel workers (default 3: many tasks wait on the
    # API's pacing rather than the CPU), each an ansible-test run per target and core in the
    # worker's own copy of the collection (ansible-test writes its inventory and venv there), all
    # against the one simulator: every target has its own account, so they do not slow each other
    # down. The queue holds every (target, core) pair, longest target first.
    local jobs found=() targets=() core_list=() pids=() i rc=0 target core result secs worker items
    mapfile -t found < <(list_integration_targets)
    mapfile -t targets < <(order_targets "${found[@]}")
    IFS=, read -r -a core_list <<<"${STAGE_CORES}"
    QUEUE="${PA_RUN_DIR}/integration-queue"
    RESULTS_FILE="${PA_RUN_DIR}/integration-results"
    : >"${QUEUE}"
    : >"${RESULTS_FILE}"
    for target in "${targets[@]}"; do
        for core in "${core_list[@]}"; do
            printf '%s %s\n' "${target}" "${core}" >>"${QUEUE}"
        done
    done
    items="$(wc -l <"${QUEUE}")"
    jobs="${PA_INTEGRATION_JOBS:-3}"
    [ "${jobs}" -le "${items}" ] || jobs="${items}"
    mkdir -p "${PA_RUN_DIR}/logs/integration"
    echo "targets, longest first: ${targets[*]}"
    echo "ansible-core: ${core_list[*]}; workers: ${jobs}; logs: $(rel "${PA_RUN_DIR}/logs/integration")/<target>@<core>.log"
    progress "  ${#targets[@]} targets x ${#core_list[@]} ansible-core (${core_list[*]}), ${jobs} workers"
    trap stop_core_simulators EXIT
    start_core_simulators "${core_list[@]}" || return 1
    for i in $(seq 1 "${jobs}"); do
        integration_worker "${i}" &
        pids+=("$!")
    done
    for i in "${pids[@]}"; do
        wait "${i}" || rc=1
    done
    stop_core_simulators
    printf '\n%-24s %-6s %-6s %8s %s\n' target core result seconds worker
    for target in "${targets[@]}"; do
        for core in "${core_list[@]}"; do
            read -r result secs worker < <(awk -v t="${target}" -v c="${core}" '$1 == t && $2 == c {print $3, $4, $5}' "${RESULTS_FILE}") || true
            printf '%-24s %-6s %-6s %8s %s\n' "${target}" "${core}" "${result:-NOTRUN}" "${secs:-}" "${worker:-}"
            if [ "${result:-}" != PASS ]; then
                rc=1
                printf '\n---------- %s@%s: last lines of %s ----------\n' "${target}" "${core}" \
                    "$(rel "${PA_RUN_DIR}/logs/integration/${target}@${core}.log")"
                tail -n 30 "${PA_RUN_DIR}/logs/integration/${target}@${core}.log" 2>/dev/null || echo "(no log: the target did not run)"
            fi
            result="" secs="" worker=""
        done
    done
    for core in "${core_list[@]}"; do
        if awk -v c="${core}" '$2 == c && $3 != "PASS" {bad = 1} END {exit bad}' "${RESULTS_FILE}" &&
            [ "$(awk -v c="${core}" '$2 == c' "${RESULTS_FILE}" | wc -l)" = "${#targets[@]}" ]; then
            record_matrix "${core}" integration PASS
        else
            record_matrix "${core}" integration FAIL
        fi
    done
    # Remember the passing targets' times (the slowest core's) for the next run's ordering
    # (build/ is not committed; see CONTRIBUTING.md to refresh tests/utils/integration-times.txt).
    awk '$3 == "PASS" && $4 > t[$1] {t[$1] = $4} END {for (n in t) print n, t[n]}' "${RESULTS_FILE}" |
        sort -k2 -rn >"${PA_BUILD_DIR}/integration-times.txt" || true
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
    ANSIBLE_COLLECTIONS_PATH="${PA_COLLECTIONS_ROOT}" antsibull-docs lint-collection-docs --plugin-docs .
}

stage_docs_site() {
    # The documentation site: antsibull-docs sphinx-init writes the Sphinx project for this
    # collection (module and role pages from their docs, plus docs/docsite/rst/*.rst), Sphinx builds
    # it; any warning fails (toolchain P12: no intersphinx inventories offline).
    local site="${PA_BUILD_DIR}/docs-site"
    rm -rf "${site}"
    mkdir -p "${site}"
    export ANSIBLE_COLLECTIONS_PATH="${PA_COLLECTIONS_ROOT}"
    antsibull-docs sphinx-init --use-current --fail-on-error --dest-dir "${site}" pythonanywhere.pythonanywhere
    cat >>"${site}/conf.py" <<'PY'

# Offline build (tests/utils/run-tests.sh, toolchain P12): no intersphinx inventory can be fetched.
intersphinx_mapping = {}
PY
    rm -rf "${site}/temp-rst" "${site}/build"
    mkdir -p "${site}/temp-rst"
    antsibull-docs collection --use-current --fail-on-error --dest-dir "${site}/temp-rst" pythonanywhere.pythonanywhere
    cp "${site}/rst/"* "${site}/temp-rst/" 2>/dev/null || true
    # Labels of Ansible's own documentation (resolved through intersphinx online): a local page for
    # each, pointing to docs.ansible.com, so that any other unresolved reference fails the build.
    python "${PA_COLLECTION_DIR}/tests/utils/docs_offline_refs.py" "${site}/temp-rst"
    sphinx-build -M html "${site}/temp-rst" "${site}/build" -c "${site}" -W --keep-going -q -w "${site}/warnings.txt"
    echo "docs site: $(rel "${site}/build/html/index.html")"
    progress "  docs site: $(rel "${site}/build/html/index.html")"
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
    # Each scenario's ephemeral directory is in this run's folder: molecule's default, ~/.ansible/tmp, is keyed
    # by the project folder's name ("extensions"), which two clones running at once would share.
    local scenario rc=0
    echo "scenarios: $(list_molecule_scenarios | tr '\n' ' ')"
    cd extensions
    for scenario in $(list_molecule_scenarios); do
        MOLECULE_EPHEMERAL_DIRECTORY="${PA_RUN_DIR}/molecule-${STAGE_CORES:-default}/${scenario}" \
            ANSIBLE_COLLECTIONS_PATH="${PA_COLLECTIONS_ROOT}" molecule test -s "${scenario}" 2>&1 \
            | drop_molecule_default_glob || rc=1
    done
    return "${rc}"
}

drop_molecule_default_glob() {
    # molecule looks for a "default" scenario (for its shared state) and, when there is none, logs
    # "CRITICAL 'molecule/default/molecule.yml' glob failed" although it goes on normally (the next
    # line says "default scenario not found, disabling shared state"). Drop that pair's first line
    # only: any other glob failure stays.
    awk '
        held != "" { if ($0 !~ /default scenario not found, disabling shared state/) print held; held = "" }
        /^CRITICAL .molecule\/default\/molecule\.yml. glob failed/ { held = $0; next }
        { print; fflush() }
        END { if (held != "") print held }
    '
}

stage_build() {
    local dist="${PA_RUN_DIR}/dist" installed="${PA_RUN_DIR}/installed" tarball module modules=() role failed=0
    rm -rf "${installed}"
    tarball="$(build_tarball "${dist}")"
    echo "built $(rel "${tarball}")"
    # Nothing of the toolchain may end up in the artifact.
    if tar -tzf "${tarball}" | grep -E '^(\.venv|\.ansible|build|tests/output|\.git)/'; then
        echo "FAIL: the tarball carries toolchain files (see above): fix build_ignore in galaxy.yml"
        failed=1
    fi
    install_tarball "${tarball}" "${installed}"
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

stage_galaxy() {
    # Galaxy's own import checks on the built tarball, from their own venv (galaxy-importer pins
    # ansible-lint, flake8, attrs). They exit 0 on lint findings, printed as WARNING lines (P10):
    # any WARNING or ERROR line fails the stage. ansible-test is ours to run (it needs Docker there).
    local work="${PA_RUN_DIR}/galaxy" tarball venv="${PA_VENV}/galaxy" out findings
    bash "${REPO_ROOT}/tests/utils/bootstrap.sh" galaxy
    tarball="$(build_tarball "${work}/dist")"
    out="${work}/galaxy-importer.log"
    (
        cd "${work}"
        export PATH="${venv}/bin:${PATH}" VIRTUAL_ENV="${venv}"
        export GALAXY_IMPORTER_CONFIG="${PA_COLLECTION_DIR}/tests/utils/galaxy-importer.cfg"
        exec python -m galaxy_importer.main "${tarball}"
    ) >"${out}" 2>&1 || {
        tail -n 30 "${out}"
        echo "galaxy-importer failed (log: $(rel "${out}"))"
        return 1
    }
    cat "${out}"
    findings="$(grep -E '^(WARNING|ERROR)' "${out}" || true)"
    if [ -n "${findings}" ]; then
        printf '\ngalaxy-importer findings (each one fails this stage):\n%s\n' "${findings}"
        return 1
    fi
    grep -q 'Importer processing completed successfully' "${out}"
    echo "galaxy-importer $("${venv}/bin/python" -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))'): no findings"
}

prepare_ee() {
    start_simulator
}

stage_ee() {
    # Execution environments: ansible-builder reads the collection's EE metadata from the installed
    # tarball (introspect) and writes the build context of docs/ee/execution-environment.yml
    # (create; building the image needs a container engine, which CI has not); then the demo
    # playbook runs twice through ansible-runner, as AWX and Automation Controller run playbooks.
    local work="${PA_RUN_DIR}/ee" tarball
    rm -rf "${work}"
    tarball="$(build_tarball "${work}/dist")"
    install_tarball "${tarball}" "${work}/collections"
    ansible-builder introspect --sanitize "${work}/collections" | tee "${work}/introspect.txt"
    python - "${work}/introspect.txt" <<'PY'
import sys

import yaml

found = yaml.safe_load(open(sys.argv[1]))
python = ' '.join(found.get('python') or [])
system = ' '.join(found.get('system') or [])
missing = [name for name in ('requests', 'requests-toolbelt', 'cryptography') if name not in python]
missing += [name for name in ('ca-certificates',) if name not in system]
if missing:
    sys.exit('ansible-builder introspect does not see %s in meta/execution-environment.yml' % ', '.join(missing))
print('introspect: the collection declares its Python and system needs')
PY
    ansible-builder create --file docs/ee/execution-environment.yml --context "${work}/context" --output-filename Containerfile -v 2
    test -s "${work}/context/Containerfile"
    echo "ansible-builder create: build context in $(rel "${work}/context")"
    ANSIBLE_COLLECTIONS_PATH="${work}/collections" python "${PA_COLLECTION_DIR}/tests/utils/runner_demo.py" \
        --private-data-dir "${work}/runner" --playbook docs/examples/demo.yml
}

# ---------------------------------------------------------------- runner

stage_cores() {
    # stage_cores TOKEN -> the stages a command-line token stands for, one "name[@cores]" a line:
    # per-core stages get the token's cores (else PA_CORES, else PA_CORE_DEFAULT), one stage per
    # core, except integration, which runs all its cores in one queue.
    local token="$1" name list=() core
    name="${token%%@*}"
    if [[ "${CORE_STAGES}" != *" ${name} "* ]]; then
        [ "${token}" = "${name}" ] || die "stage ${name} does not run per ansible-core"
        printf '%s\n' "${name}"
        return 0
    fi
    if [ "${token}" != "${name}" ]; then
        core="${token#*@}"
    else
        core="${PA_CORES:-${PA_CORE_DEFAULT}}"
    fi
    read -r -a list <<<"${core//,/ }"
    for core in "${list[@]}"; do
        core_python "${core}" >/dev/null || die "ansible-core ${core} is not in the matrix (${PA_CORE_MATRIX})"
    done
    if [ "${name}" = integration ]; then
        printf '%s@%s\n' "${name}" "$(IFS=,; printf '%s' "${list[*]}")"
    else
        for core in "${list[@]}"; do
            printf '%s@%s\n' "${name}" "${core}"
        done
    fi
}

plan_all() {
    # `all`: the tool venv's core runs sanity and units in the main line; the other cores' sanity
    # and units run in the side lane (in parallel with integration, which mostly waits on the
    # API's pacing); integration and molecule run on the oldest and the newest core.
    local oldest newest core
    oldest="$(core_oldest)"
    newest="$(core_newest)"
    MAIN+=("sanity@${PA_CORE_DEFAULT}" "units@${PA_CORE_DEFAULT}" simulator "integration@${newest},${oldest}"
        lint changelog docs docs-site "molecule@${newest}" "molecule@${oldest}" build galaxy ee)
    for core in $(core_versions); do
        [ "${core}" = "${PA_CORE_DEFAULT}" ] && continue
        LANE+=("sanity@${core}" "units@${core}")
    done
}

run_stage() {
    # run_stage ID: runs one stage (name[@cores]) with its output in logs/ID.log, records
    # "ID RESULT SECONDS LOG" in the results file and one line on the console.
    local id="$1" name cores="" start rc=0 result log secs fn
    name="${id%%@*}"
    [ "${id}" != "${name}" ] && cores="${id#*@}"
    fn="${name//-/_}"
    log="${PA_RUN_DIR}/logs/${id}.log"
    start="$(date +%s)"
    progress "${id}: started"
    {
        if [ -n "${cores}" ]; then
            # shellcheck disable=SC2086  # one argument per core
            bash "${REPO_ROOT}/tests/utils/bootstrap.sh" core ${cores//,/ } || rc=$?
        fi
        if [ "${rc}" = 0 ] && declare -F "precheck_${fn}" >/dev/null; then
            "precheck_${fn}" || rc=$?
        fi
        if [ "${rc}" = 0 ] && declare -F "prepare_${fn}" >/dev/null; then
            "prepare_${fn}" || rc=$?
        fi
    } >"${log}" 2>&1
    if [ "${rc}" = 0 ]; then
        (
            set -euo pipefail
            cd "${PA_COLLECTION_DIR}"
            export STAGE_CORES="${cores}"
            [ -z "${cores}" ] || activate_core "${cores%%,*}"
            if [ "${PA_VERBOSE:-0}" = 1 ] && [ -z "${IN_LANE:-}" ]; then
                "stage_${fn}" 2>&1 | tee -a "${log}"
            else
                "stage_${fn}" >>"${log}" 2>&1
            fi
        )
        rc=$?
    fi
    case "${rc}" in
    0) result=PASS ;;
    "${PA_SKIP_RC}") result=SKIP ;;
    *) result=FAIL ;;
    esac
    secs=$(($(date +%s) - start))
    printf '%s %s %s %s\n' "${id}" "${result}" "${secs}" "${log}" >>"${PA_RUN_DIR}/results"
    if [ -n "${cores}" ] && [ "${name}" != integration ]; then
        record_matrix "${cores}" "${name}" "${result}"
    fi
    progress "${id}: ${result} ${secs} s (log: $(rel "${log}"))"
    if [ "${result}" = FAIL ]; then
        # The error lines of the tools (ansible-test, ansible-playbook, pytest) when there are some,
        # else the end of the log.
        if grep -qE "${ERROR_LINES}" "${log}"; then
            grep -E "${ERROR_LINES}" "${log}" | head -n "${PA_FAIL_LINES}" | cut -c1-400 | sed "s/^/    | /" >&3
        else
            tail -n "${PA_FAIL_LINES}" "${log}" | sed "s/^/    | /" >&3
        fi
    fi
}

start_lane() {
    # The side lane: LANE's stages one after the other, in a copy of their own (ansible-test
    # writes tests/output/ in the collection), in parallel with the main line.
    [ "${#LANE[@]}" -gt 0 ] || return 0
    [ -z "${LANE_PID}" ] || return 0
    local copy="${PA_RUN_DIR}/lane/ansible_collections/pythonanywhere/pythonanywhere"
    mkdir -p "$(dirname "${copy}")"
    cp -a "${PA_COLLECTION_DIR}" "${copy}"
    progress "side lane started: ${LANE[*]}"
    lane_main "${copy}" &
    LANE_PID=$!
}

lane_main() {
    # lane_main COPY: the side lane's stages in COPY (runs in the background, in a subshell).
    local id
    PA_COLLECTION_DIR="$1"
    IN_LANE=1
    for id in "${LANE[@]}"; do
        run_stage "${id}"
    done
}

kill_tree() {
    # kill_tree PID: the process and its descendants (the side lane's ansible-test runs).
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        kill_tree "${child}"
    done
    kill "$1" 2>/dev/null || true
}

cleanup() {
    if [ -n "${LANE_PID}" ] && kill -0 "${LANE_PID}" 2>/dev/null; then
        kill_tree "${LANE_PID}"
    fi
    stop_simulator
}

core_version_full() {
    # core_version_full CORE -> the installed ansible-core version (e.g. 2.18.19)
    "$(core_venv "$1")/bin/python" -c 'from ansible.release import __version__; print(__version__)' 2>/dev/null || echo "$1"
}

summary() {
    local id line result secs log passed=0 failed=0 skipped=0 core kind cell row
    printf '\n==================== SUMMARY ====================\n'
    printf '%-28s %-6s %8s  %s\n' stage result seconds log
    for id in "${MAIN[@]}" "${LANE[@]}"; do
        line="$(awk -v i="${id}" '$1 == i' "${PA_RUN_DIR}/results" | tail -n 1)"
        read -r _ result secs log <<<"${line:-${id} NOTRUN 0 -}"
        printf '%-28s %-6s %8s  %s\n' "${id}" "${result}" "${secs}" "$(rel "${log}")"
        case "${result}" in
        PASS) passed=$((passed + 1)) ;;
        SKIP) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
        esac
    done
    printf '%-28s %-6s %8s\n' total "" "$(($(date +%s) - RUN_START))"
    if [ -s "${PA_RUN_DIR}/matrix" ]; then
        printf '\nansible-core matrix (meta/runtime.yml requires_ansible: %s)\n' \
            "$(sed -n "s/^requires_ansible: *//p" "${REPO_ROOT}/meta/runtime.yml" | tr -d "'\"")"
        printf '%-16s %-7s %-7s %-7s %-12s %s\n' ansible-core python sanity units integration molecule
        for core in $(core_versions); do
            row="$(printf '%-16s %-7s' "$(core_version_full "${core}")" "$(core_python "${core}")")"
            for kind in sanity units integration molecule; do
                cell="$(awk -v c="${core}" -v k="${kind}" '$1 == c && $2 == k {r = $3} END {print r}' "${PA_RUN_DIR}/matrix")"
                row="${row} $(printf '%-7s' "${cell:--}")"
                [ "${kind}" = integration ] && row="${row}     "
            done
            printf '%s\n' "${row}"
        done
    fi
    if [ "${skipped}" -gt 0 ]; then
        printf 'stages: %d passed, %d failed, %d skipped\n' "${passed}" "${failed}" "${skipped}"
    else
        printf 'stages: %d passed, %d failed\n' "${passed}" "${failed}"
    fi
    [ "${failed}" = 0 ]
}

main() {
    local token start id ids
    MAIN=()
    LANE=()
    for token in "$@"; do
        if [ "${token}" = all ]; then
            plan_all
            continue
        fi
        [[ " ${ALL_STAGES[*]} " == *" ${token%%@*} "* ]] || die "unknown stage '${token}' (known: all ${ALL_STAGES[*]}, with @CORE for ${CORE_STAGES})"
        ids="$(stage_cores "${token}")" || exit 1
        mapfile -t -O "${#MAIN[@]}" MAIN <<<"${ids}"
    done
    [ "${#MAIN[@]}" -gt 0 ] || plan_all

    exec 3>&1
    RUN_START="$(date +%s)"
    start="${RUN_START}"
    init_run_dir test
    mkdir -p "${PA_RUN_DIR}/logs"
    : >"${PA_RUN_DIR}/results"
    SIM_STATE_DIR="${PA_RUN_DIR}/simulator-state"
    bash "${REPO_ROOT}/tests/utils/bootstrap.sh" || die "bootstrap failed"
    activate_venv
    sync_copy || die "could not copy the collection to ${PA_COLLECTION_DIR}"
    progress "tools ready, collection copied to $(rel "${PA_COLLECTION_DIR}") ($(($(date +%s) - start)) s); logs in $(rel "${PA_RUN_DIR}/logs")"
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    # The side lane starts with the first stage that mostly waits (integration), or at once.
    [[ " ${MAIN[*]}" == *" integration"* ]] || start_lane
    for id in "${MAIN[@]}"; do
        [ "${id%%@*}" = integration ] && start_lane
        run_stage "${id}"
    done
    if [ -n "${LANE_PID}" ]; then
        progress "waiting for the side lane"
        wait "${LANE_PID}" || true
        LANE_PID=""
    fi
    stop_simulator
    summary
}

main "$@"
