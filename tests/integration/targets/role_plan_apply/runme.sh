#!/usr/bin/env bash
# Plan equals apply for the roles: every molecule scenario (extensions/molecule/*/converge.yml) is prepared on
# a fresh simulator account (its prepare.yml), then its converge playbook runs with --check --diff, then for
# real, and the two runs are compared task by task (../setup_plan_apply/files/plan_apply.sh). A scenario added
# later is covered without a change here.
set -eu
files="$(cd ../setup_plan_apply/files && pwd)"

root="$(pwd)"
while [ ! -f "${root}/galaxy.yml" ]; do
    [ "${root}" != / ] || { echo "role_plan_apply: the collection root (galaxy.yml) was not found above $(pwd)" >&2; exit 1; }
    root="$(dirname "${root}")"
done

# The simulator variables, which `make integration` writes to tests/integration/integration_config.yml (for
# a script target, ansible-test copies it two levels up and passes nothing), as the environment variables the
# scenarios' prepare.yml reads (what `make molecule` exports).
config=../../integration_config.yml
[ -f "${config}" ] || { echo "role_plan_apply: no ${config}: run it with make integration" >&2; exit 1; }
eval "$(python - "${config}" <<'PY'
import shlex, sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
for name, key in (('PA_SIMULATOR_URL', 'pa_simulator_url'), ('PA_SIMULATOR_ADMIN_URL', 'pa_simulator_admin_url'),
                  ('PA_SIMULATOR_CERT', 'pa_simulator_ca_cert'), ('PA_RATE_LIMIT_PERIOD', 'pa_rate_limit_period'),
                  ('PA_SIMULATOR_WEB_URL', 'pa_simulator_web_url')):
    print('export %s=%s' % (name, shlex.quote(str(config.get(key) or ''))))
PY
)"

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
cat >"${work}/inventory.yml" <<'YAML'
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
YAML

rc=0
scenarios=0
for scenario in "${root}"/extensions/molecule/*/; do
    scenario="${scenario%/}"
    [ -f "${scenario}/converge.yml" ] || continue
    name="$(basename "${scenario}")"
    scenarios=$((scenarios + 1))
    export MOLECULE_EPHEMERAL_DIRECTORY="${work}/${name}"
    mkdir -p "${MOLECULE_EPHEMERAL_DIRECTORY}"
    echo "=== ${name}: prepare (a fresh account)"
    if [ -f "${scenario}/prepare.yml" ]; then
        ansible-playbook "${scenario}/prepare.yml" -i "${work}/inventory.yml" -e "molecule_scenario_directory=${scenario}" || { rc=1; continue; }
    fi
    "${files}/plan_apply.sh" "role scenario ${name}" "${MOLECULE_EPHEMERAL_DIRECTORY}/plan" "${scenario}/converge.yml" \
        -i "${work}/inventory.yml" -e "molecule_scenario_directory=${scenario}" || rc=1
done
# The roles' first task warns about variables with their prefix that they do not know.
echo "=== unknown variables"
for role in webapp_deploy website_deploy; do
    ansible-playbook unknown_variables.yml -i "${work}/inventory.yml" -e "role_under_test=${role}" >>"${work}/unknown.log" 2>&1 || true
done
cat "${work}/unknown.log"
for expected in '[WARNING] webapp_deploy: webapp_deploy_pyhton_version: not a variable of this role' \
                '[WARNING] website_deploy: website_deploy_comand: not a variable of this role'; do
    grep -qF "${expected}" "${work}/unknown.log" || { echo "role_plan_apply: no warning: ${expected}" >&2; rc=1; }
done
if grep -E '\[WARNING\] [a-z_]+: .*(_connection|_command|_code_src|_code_dest|_wsgi_application)[,:]' "${work}/unknown.log"; then
    echo "role_plan_apply: a known variable was called unknown" >&2
    rc=1
fi

[ "${scenarios}" -gt 0 ] || { echo "role_plan_apply: no scenario under ${root}/extensions/molecule" >&2; exit 1; }
exit "${rc}"
