#!/usr/bin/env bash
# `make demo`: start the bundled simulator with tests/simulator/accounts.example.yml (a paid
# account alice, empty), run docs/examples/demo.yml twice with ansible-playbook (the second run must
# report changed=0), print the web app, the virtualenv and the package installed into it as the
# simulator holds them, import the package with the virtualenv's Python on the account, and stop the
# simulator. No step is done by hand.
set -euo pipefail
# shellcheck source=tests/utils/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEMO_USER="${PA_DEMO_USER:-alice}"
PLAYBOOK="docs/examples/demo.yml"
ACCOUNTS="tests/simulator/accounts.example.yml"
# The demo runs at PA's real pace: 40 requests a minute per endpoint, the modules' default.
PA_RATE_PERIOD="${PA_DEMO_RATE_PERIOD:-60}"
export PA_RATE_PERIOD

bash "${REPO_ROOT}/tests/utils/bootstrap.sh"
activate_venv
init_run_dir demo
sync_copy
cd "${PA_COLLECTION_DIR}"
[ -f "${PLAYBOOK}" ] || die "${PLAYBOOK} is missing"
[ -f "${ACCOUNTS}" ] || die "${ACCOUNTS} is missing"

STATE_DIR="${PA_RUN_DIR}/simulator-state"
stop_demo_simulator() {
    bash "${REPO_ROOT}/tests/utils/simulator.sh" stop "${STATE_DIR}" || true
}
trap stop_demo_simulator EXIT
trap 'exit 130' INT TERM

log "starting the simulator with ${ACCOUNTS}"
eval "$(PA_SIMULATOR_SRC="${PA_COLLECTION_DIR}/tests/simulator" \
    bash "${REPO_ROOT}/tests/utils/simulator.sh" start "${STATE_DIR}" --config "${PA_COLLECTION_DIR}/${ACCOUNTS}")"
log "simulator ${PA_SIMULATOR_PID} listening on ${PA_SIMULATOR_URL}"

# admin GET|POST PATH [JSON]: call the simulator's admin API, print the JSON answer.
admin() {
    python - "$@" <<'PY'
import json
import os
import ssl
import sys
import urllib.request

method, path = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else None
request = urllib.request.Request(os.environ['PA_SIMULATOR_ADMIN_URL'] + path, data=data, method=method,
                                 headers={'Content-Type': 'application/json'})
context = ssl.create_default_context(cafile=os.environ['PA_SIMULATOR_CERT']) if os.environ.get('PA_SIMULATOR_CERT') else None
with urllib.request.urlopen(request, context=context, timeout=30) as response:
    print(response.read().decode())
PY
}
export PA_SIMULATOR_ADMIN_URL PA_SIMULATOR_CERT

# The account's token: from the accounts file when it sets one, else from the simulator's state.
API_TOKEN="$(python - "${ACCOUNTS}" "${DEMO_USER}" <<'PY'
import sys

import yaml

data = yaml.safe_load(open(sys.argv[1]))
accounts = data.get('accounts', data) if isinstance(data, dict) else data
print(next((a.get('token') or '' for a in accounts if a.get('username') == sys.argv[2]), ''))
PY
)"
if [ -z "${API_TOKEN}" ]; then
    API_TOKEN="$(admin GET "/accounts/${DEMO_USER}/state" | python -c 'import json, sys; print(json.load(sys.stdin).get("token") or "")')"
fi
[ -n "${API_TOKEN}" ] || die "no API token for ${DEMO_USER} (neither in ${ACCOUNTS} nor in the simulator's state)"

export PYTHONANYWHERE_USERNAME="${DEMO_USER}" API_TOKEN PYTHONANYWHERE_SITE="${PA_SIMULATOR_URL}"
# The roles' health check reaches the deployed site through the simulator's web front (webapp_check reads it).
export PYTHONANYWHERE_SITE_CONNECT_URL="${PA_SIMULATOR_WEB_URL}"
if [ -n "${PA_SIMULATOR_CERT}" ]; then
    export PYTHONANYWHERE_CA_PATH="${PA_SIMULATOR_CERT}"
fi
export ANSIBLE_COLLECTIONS_PATH="${PA_COLLECTIONS_ROOT}"
export ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

last_seq() {
    admin GET "/log?account=${DEMO_USER}&since=0" | python -c 'import json, sys; print(json.load(sys.stdin)["last_seq"])'
}

run_playbook() {
    local label="$1" out="${PA_RUN_DIR}/$1.log"
    printf '\n==================== demo: %s run of %s ====================\n' "${label}" "${PLAYBOOK}"
    if ! ansible-playbook "${PLAYBOOK}" 2>&1 | tee "${out}"; then
        die "the ${label} run failed"
    fi
}

run_playbook first
mark="$(last_seq)"
run_playbook second

recap="$(grep -E '^localhost +:' "${PA_RUN_DIR}/second.log" || true)"
case "${recap}" in
*"changed=0"*"failed=0"*) ;;
*) die "the second run was not a no-op: ${recap:-no play recap}" ;;
esac

printf '\n==================== demo: requests the second run sent ====================\n'
admin GET "/log?account=${DEMO_USER}&since=${mark}" | python -c '
import json, sys
entries = json.load(sys.stdin)["entries"]
writes = [e for e in entries if e["method"] not in ("GET", "HEAD", "OPTIONS")]
for e in entries:
    print("  %s %s -> %s" % (e["method"], e["path"], e["status"]))
print("%d request(s), %d write request(s)" % (len(entries), len(writes)))
'

printf '\n==================== demo: the web app as the simulator holds it ====================\n'
admin GET "/accounts/${DEMO_USER}/state" | python -c '
import json, sys

SECRET = ("password", "private_key", "token")


def scrub(value):
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not k.endswith(SECRET)}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


state = json.load(sys.stdin)
shown = []
for app in state.get("webapps", []):
    domain = app["domain_name"]
    shown.append({
        "webapp": app,
        "static_files": state.get("static_files", {}).get(domain, []),
        "static_headers": state.get("static_headers", {}).get(domain, []),
        "ssl": state.get("ssl", {}).get(domain.lower()),
        "reloads": state.get("reloads", {}).get(domain),
    })
print(json.dumps(scrub(shown), indent=2, sort_keys=True))
'
printf '\n==================== demo: the virtualenv the role created, and the installed package ====================\n'
admin GET "/accounts/${DEMO_USER}/files?path=/home/${DEMO_USER}/.virtualenvs/mysite" | python -c '
import json, sys
entries = json.load(sys.stdin)["entries"]
shown = [name for name in sorted(entries)
         if name in ("pyvenv.cfg", "bin/python3.13", "bin/pip") or name.startswith(".ansible-requirements-")
         or "pa_demo_greeting" in name]
for name in shown:
    entry = entries[name]
    print("  %-70s %s" % (name, "%d bytes" % entry["size"] if "size" in entry else entry["type"]))
if "bin/python3.13" not in entries or not any("site-packages/pa_demo_greeting/" in name for name in entries):
    sys.exit("the virtualenv or the installed package is missing")
'
printf '\n==================== demo: the virtualenv'"'"'s Python imports the package, on the account ====================\n'
IMPORT_ARGS="$(python -c 'import json, sys; print(json.dumps({"cmd": sys.argv[1]}))' \
    "/home/${DEMO_USER}/.virtualenvs/mysite/bin/python -c 'import pa_demo_greeting as g; print(g.GREETING, g.__file__)'")"
ansible localhost -m pythonanywhere.pythonanywhere.command -a "${IMPORT_ARGS}" 2>&1 | tee "${PA_RUN_DIR}/import.log"
grep -q 'Hello from a local wheel' "${PA_RUN_DIR}/import.log" || die "the virtualenv's Python could not import the package"

recap="${recap#*: }"
printf '\ndemo: second run: %s\n' "$(printf '%s' "${recap}" | tr -s ' ')"

printf '\n==================== demo: the page the deployed app serves (through the simulator'"'"'s web front) ====================\n'
# The web front picks the site by its Host header; force_https is on, so say the request came over HTTPS.
curl -sS --max-time 30 -H "Host: ${DEMO_USER}.pythonanywhere.com" -H 'X-Forwarded-Proto: https' \
    "${PA_SIMULATOR_WEB_URL}/" | tee "${PA_RUN_DIR}/page.html"
printf '\n'
[ -s "${PA_RUN_DIR}/page.html" ] || die "the deployed app served no page"
