#!/usr/bin/env bash
# Plan equals apply over every module's EXAMPLES, read through ansible-doc, on the fresh account `alice`:
# each task of the collection runs first in check mode (with --diff), then for real, against the same
# state (files/extract_examples.py writes the twins); the recorded outcomes are compared task by task.
set -eu
export ANSIBLE_ROLES_PATH=..
files=../setup_plan_apply/files
out="$(mktemp -d)"
trap 'rm -rf "${out}"' EXIT
export ANSIBLE_CALLBACK_PLUGINS="${files}/callback_plugins"
export ANSIBLE_CALLBACKS_ENABLED="${ANSIBLE_CALLBACKS_ENABLED:+${ANSIBLE_CALLBACKS_ENABLED},}plan_record"
rc=0
# The simulator variables: `make integration` writes them to tests/integration/integration_config.yml, which
# ansible-test copies two levels up (and, for a script target, does not pass).
PLAN_RECORD="${out}/record.jsonl" ansible-playbook examples.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@" \
    || rc=$?
python "${files}/plan_apply.py" "module examples" "${out}/record.jsonl" || rc=$?
exit "${rc}"
