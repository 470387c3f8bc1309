#!/usr/bin/env bash
# Makes the three real-incident archives that `culprit demo` replays at start
# (app/src/main/resources/scenarios/): an I/O-wait incident captured live from this machine's
# /proc while dd writes with O_DIRECT, and the DoS and mail-flood incidents read from the real
# mod_evasive and PHP logs that evasive.sh and php-mail.sh captured.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/app/src/main/resources/scenarios"
captured="$root/collectors/src/test/resources/captured"
mkdir -p "$out"
cd "$root"

scratch=/var/tmp/culprit-scenario-dd
cleanup() { rm -f "$scratch"; }
trap cleanup EXIT

# I/O wait: 8 s quiet, 30 s of direct writes, 8 s quiet again.
./culprit collect --config scripts/capture/iowait-scenario.yaml --out "$out/iowait.jsonl.gz" --duration 46s &
collector=$!
sleep 8
timeout 30 bash -c "while :; do dd if=/dev/zero of=$scratch bs=1M count=2048 oflag=direct status=none; done" || true
rm -f "$scratch"
wait "$collector"

./culprit collect --once --host demo-dos --kind evasive --out "$out/dos.jsonl.gz" \
  "$captured/evasive/run1-writable-apache-error.txt" "$captured/evasive/run1-writable-syslog-rfc3339.txt"
./culprit collect --once --host demo-mail --kind phpmail --out "$out/mail.jsonl.gz" \
  "$captured/phpmail/file-mail-log.txt"
ls -l "$out"
