#!/usr/bin/env bash
# Plan equals apply: run a playbook with --check --diff, then for real, recording every task of the
# collection's modules (callback_plugins/plan_record.py), and compare the two runs task by task
# (plan_apply.py). Fails when a prediction differs from the outcome, or when either run failed.
#   plan_apply.sh TITLE OUT_DIR PLAYBOOK [ansible-playbook arguments...]
set -u
title="$1"; out="$2"; playbook="$3"; shift 3
files="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "${out}"
rm -f "${out}/check.jsonl" "${out}/real.jsonl"
export ANSIBLE_CALLBACK_PLUGINS="${files}/callback_plugins${ANSIBLE_CALLBACK_PLUGINS:+:${ANSIBLE_CALLBACK_PLUGINS}}"
export ANSIBLE_CALLBACKS_ENABLED="${ANSIBLE_CALLBACKS_ENABLED:+${ANSIBLE_CALLBACKS_ENABLED},}plan_record"
touch "${out}/check.jsonl" "${out}/real.jsonl"
check_rc=0
real_rc=0
echo "=== ${title}: check run (--check --diff)"
PLAN_RECORD="${out}/check.jsonl" ansible-playbook "${playbook}" --check --diff "$@" || check_rc=$?
echo "=== ${title}: real run"
PLAN_RECORD="${out}/real.jsonl" ansible-playbook "${playbook}" --diff "$@" || real_rc=$?
compare_rc=0
python "${files}/plan_apply.py" "${title}" "${out}/check.jsonl" "${out}/real.jsonl" || compare_rc=$?
echo "${title}: check run rc=${check_rc}, real run rc=${real_rc}, comparison rc=${compare_rc}"
[ "${check_rc}" = 0 ] && [ "${real_rc}" = 0 ] && [ "${compare_rc}" = 0 ]
