#!/usr/bin/env bash
# Every module's EXAMPLES, read through ansible-doc, first with --check --diff, then for real, on the
# fresh account `alice` (the check run writes nothing: tasks/main.yml asserts it), compared task by task.
set -eu
export ANSIBLE_ROLES_PATH=..
out="$(mktemp -d)"
trap 'rm -rf "${out}"' EXIT
../setup_plan_apply/files/plan_apply.sh "module examples" "${out}" examples.yml -i "${INVENTORY_PATH}" "$@"
