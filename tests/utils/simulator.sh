#!/usr/bin/env bash
# Start or stop the bundled PythonAnywhere API simulator (tests/simulator/pa_simulator).
#   simulator.sh start STATE_DIR [extra simulator args...]  -> prints shell lines to eval:
#       PA_SIMULATOR_URL=... PA_SIMULATOR_ADMIN_URL=... PA_SIMULATOR_PID=... PA_SIMULATOR_CERT=...
#       PA_SIMULATOR_WEB_URL=... (the web front serving the deployed sites; port: PA_SIMULATOR_WEB_PORT, default any)
#   simulator.sh stop STATE_DIR
# The simulator's own log goes to STATE_DIR/simulator.log.
set -euo pipefail
# shellcheck source=tests/utils/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIM_SRC="${PA_SIMULATOR_SRC:-${REPO_ROOT}/tests/simulator}"

json_field() {
    # json_field FILE KEY -> the value, or empty when absent/null
    "${PA_VENV}/bin/python" -c 'import json, sys; v = json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}

start() {
    local state_dir="$1" pid url cert web_url i
    shift
    [ -d "${SIM_SRC}/pa_simulator" ] || die "no simulator package at ${SIM_SRC}/pa_simulator"
    mkdir -p "${state_dir}"
    rm -f "${state_dir}/server.json"
    (
        cd "${state_dir}"
        PYTHONPATH="${SIM_SRC}" exec "${PA_VENV}/bin/python" -m pa_simulator \
            --port 0 --web-port "${PA_SIMULATOR_WEB_PORT:-0}" --state-dir "${state_dir}" \
            --rate-limit "${PA_RATE_LIMIT}" --rate-period "${PA_RATE_PERIOD}" "$@" \
            >"${state_dir}/simulator.log" 2>&1 </dev/null
    ) &
    pid=$!
    for i in $(seq 1 150); do
        if [ -s "${state_dir}/server.json" ] && url="$(json_field "${state_dir}/server.json" url 2>/dev/null)" && [ -n "${url}" ]; then
            break
        fi
        if ! kill -0 "${pid}" 2>/dev/null; then
            cat "${state_dir}/simulator.log" >&2 || true
            die "the simulator exited before it was ready"
        fi
        sleep 0.2
    done
    if [ -z "${url:-}" ]; then
        cat "${state_dir}/simulator.log" >&2 || true
        kill "${pid}" 2>/dev/null || true
        die "the simulator did not write ${state_dir}/server.json within 30 s (after ${i} polls)"
    fi
    cert="$(json_field "${state_dir}/server.json" cert)"
    web_url="$(json_field "${state_dir}/server.json" web_url)"
    printf '%s\n' "${pid}" >"${state_dir}/simulator.pid"
    printf 'PA_SIMULATOR_URL=%q\n' "${url%/}"
    printf 'PA_SIMULATOR_ADMIN_URL=%q\n' "${url%/}/__admin__"
    printf 'PA_SIMULATOR_PID=%q\n' "${pid}"
    printf 'PA_SIMULATOR_CERT=%q\n' "${cert}"
    printf 'PA_SIMULATOR_WEB_URL=%q\n' "${web_url}"
}

stop() {
    local state_dir="$1" pid i
    pid="$(cat "${state_dir}/simulator.pid" 2>/dev/null || true)"
    [ -n "${pid}" ] || return 0
    if kill "${pid}" 2>/dev/null; then
        for i in $(seq 1 50); do
            kill -0 "${pid}" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "${pid}" 2>/dev/null; then
            log "simulator ${pid} still running after ${i} checks: SIGKILL"
            kill -9 "${pid}" 2>/dev/null || true
        fi
    fi
    rm -f "${state_dir}/simulator.pid"
}

case "${1:-}" in
start) shift; [ $# -ge 1 ] || die "usage: $0 start STATE_DIR [args]"; start "$@" ;;
stop) shift; [ $# -ge 1 ] || die "usage: $0 stop STATE_DIR"; stop "$1" ;;
*) die "usage: $0 start|stop STATE_DIR" ;;
esac
