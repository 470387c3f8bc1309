#!/usr/bin/env bash
# wrapper-reap.sh - run a disk writer (dd) under the wrappers a web host runs
# jobs with (timeout, sh -c, xargs, make, sudo) and record /proc snapshots of
# the whole process tree ~1 s apart, until the tree has exited and been reaped
# by this script's shell. The last snapshot is the one where the kernel adds
# the whole tree's I/O counters to this shell: the case a per-pid collector
# blames on the wrapper (scenarios/iowait shipped `timeout` at 3.4e10 B/s).
#
# Usage:  sudo scripts/capture/wrapper-reap.sh [SCENARIO ...]
#   scenarios: timeout sh-c xargs make sudo   (default: all, in that order)
#   timeout-writer-unseen is timeout with dd runs of ~0.2 s, so that the last
#   dd is often gone before it is copied (the committed one was captured when
#   this shell was copied first, before the tree)
#
# Environment:
#   OUT   fixture root (default: <repo>/collectors/src/test/resources/captured/proc/wrapper-reap)
#   WORK  scratch directory on a real disk (default: /var/tmp)
#
# Each snapshot copies only this shell, the wrapper and its descendants of
# that moment (see proc-snapshot.sh for the files), plus the host-wide files
# the sampler reads. A snapshot is not atomic (~150 ms; see README-proc.md), so
# at 2 GB/s a process's counters and /proc/diskstats can disagree by tens of MB
# per interval. Idempotent: each scenario directory is rewritten; the
# scratch files $WORK/culprit-wrap* are removed on exit; every process started
# here is killed by its PID on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=proc-snapshot.sh
source "$HERE/proc-snapshot.sh"

OUT=${OUT:-$REPO/collectors/src/test/resources/captured/proc/wrapper-reap}
WORK=${WORK:-/var/tmp}
export LC_ALL=C

if [[ $# -gt 0 ]]; then SCENARIOS=("$@"); else SCENARIOS=(timeout sh-c xargs make sudo); fi
[[ $EUID -eq 0 ]] || { echo "must run as root" >&2; exit 1; }

# The caller's extra fds would end up in the fixtures' fd lists.
for _fd in /proc/$$/fd/*; do
  _fd=${_fd##*/}
  if [[ $_fd -gt 2 && $_fd -ne 255 ]]; then eval "exec $_fd>&-" 2>/dev/null || true; fi
done
unset _fd

log() { printf '[wrapper-reap %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
now_ms() { date +%s%3N; }
sleep_until_ms() {
  local d=$(( $1 - $(now_ms) ))
  if (( d > 0 )); then sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"; fi
}

ROOT_PID=
cleanup() {
  if [[ -n "$ROOT_PID" ]]; then
    local kids; kids=$(pgrep -P "$ROOT_PID" 2>/dev/null || true)
    kill "$ROOT_PID" 2>/dev/null || true
    for k in $kids; do kill "$k" 2>/dev/null || true; done
    wait "$ROOT_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"/culprit-wrap*
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the pid and every descendant of it, parents first
tree() {
  local p=$1 c
  [[ -d /proc/$p ]] || return 0
  echo "$p"
  for c in $(pgrep -P "$p" 2>/dev/null || true); do tree "$c"; done
}

# MiB/s of O_DIRECT 1 MiB writes to $WORK, so each scenario writes for ~4 s
calibrate_mib_s() {
  local t0 t1 ms
  t0=$(now_ms)
  dd if=/dev/zero of="$WORK/culprit-wrap-cal" bs=1M count=512 oflag=direct status=none
  t1=$(now_ms)
  rm -f "$WORK/culprit-wrap-cal"
  ms=$(( t1 - t0 )); (( ms > 0 )) || ms=1
  echo $(( 512 * 1000 / ms ))
}

# run_scenario NAME COMMAND...: start COMMAND as a child of this shell, then
# snapshot its tree every second until it is gone and reaped (at most 20 s)
run_scenario() {
  local name=$1 d=$OUT/$1 start i pids
  shift
  rm -rf "$d"; mkdir -p "$d"
  "$@" </dev/null >/dev/null 2>"$WORK/culprit-wrap.stderr" &
  ROOT_PID=$!
  sleep 0.3   # let the wrapper start its writer
  {
    printf '# ROLE\tPID\tCOMM\n'
    printf 'capture-shell\t%s\t%s\n' "$$" "$(cat /proc/$$/comm)"
    printf 'wrapper\t%s\t%s\n' "$ROOT_PID" "$(cat /proc/"$ROOT_PID"/comm 2>/dev/null || echo '?')"
  } >"$d/PIDS.txt"
  {
    echo "command=$*"
    echo "calibrated_mib_per_s=$RATE"
    echo "tree_at_start=$(for p in $(tree "$ROOT_PID"); do printf '%s(%s) ' "$p" "$(cat /proc/"$p"/comm 2>/dev/null)"; done)"
  } >"$d/COMMANDS.txt"
  start=$(now_ms)
  for ((i = 0; i < 20; i++)); do
    sleep_until_ms $(( start + i * 1000 ))
    # /proc/PID stays while a zombie waits to be reaped; once it is gone
    # this shell has reaped the wrapper and holds the tree's counters
    if [[ ! -d /proc/$ROOT_PID ]]; then
      proc_snapshot "$d/t$i" "$$"
      echo "reaped_before=t$i" >>"$d/COMMANDS.txt"
      log "$name: t$i (wrapper reaped)"
      break
    fi
    # deepest first: a short-lived writer is copied before it can exit
    mapfile -t pids < <(tree "$ROOT_PID" | tac)
    proc_snapshot "$d/t$i" "${pids[@]}" "$$"
    echo "t$i=$(for p in "${pids[@]}"; do printf '%s(%s) ' "$p" "$(cat "$d/t$i/$p/comm" 2>/dev/null)"; done)" >>"$d/COMMANDS.txt"
    log "$name: t$i (${#pids[@]} processes)"
  done
  wait "$ROOT_PID" 2>/dev/null || true
  ROOT_PID=
  cp "$WORK/culprit-wrap.stderr" "$d/stderr.txt"
  rm -rf "$WORK"/culprit-wrap*
}

RATE=$(calibrate_mib_s)
(( RATE >= 100 )) || RATE=100
DD="dd if=/dev/zero of=$WORK/culprit-wrap bs=1M oflag=direct status=none"
log "calibrated ${RATE} MiB/s"
mkdir -p "$OUT"
for sc in "${SCENARIOS[@]}"; do
  case $sc in
    # dd after dd (~0.5 s each): the bash loop reaps them, timeout only waits for bash;
    # when timeout ends, it, bash and the last dd vanish in one interval
    timeout) run_scenario timeout timeout 5 bash -c "while :; do $DD count=$(( RATE / 2 )); done" ;;
    timeout-writer-unseen) run_scenario "$sc" timeout 5 bash -c "while :; do $DD count=$(( RATE / 5 )); done" ;;
    # cron runs a job as /bin/sh -c 'LINE'; a loop keeps sh from exec-ing dd in its place
    sh-c) run_scenario sh-c sh -c "for i in 1 2 3 4; do $DD count=$RATE; done" ;;
    xargs)
      seq 8 >"$WORK/culprit-wrap-list"
      run_scenario xargs xargs -a "$WORK/culprit-wrap-list" -I{} $DD count=$(( RATE / 2 ))
      ;;
    make)
      mkdir -p "$WORK/culprit-wrap-make"
      printf '.PHONY: all a b c d\nall: a b c d\na b c d:\n\t%s count=%s\n' "$DD" "$RATE" \
        >"$WORK/culprit-wrap-make/Makefile"
      run_scenario make make -s -C "$WORK/culprit-wrap-make" -j1
      ;;
    # one long dd: sudo (and its monitor, with use_pty) and dd exit together
    sudo)
      if command -v sudo >/dev/null; then
        run_scenario sudo sudo -n $DD count=$(( RATE * 4 ))
      else
        log "sudo is not installed (apt-get install sudo), skipping $sc"
      fi
      ;;
    *) echo "unknown scenario: $sc" >&2; exit 2 ;;
  esac
done
{
  echo "# Wrapper reap captures"
  echo
  echo "Genuine kernel output, recorded by \`scripts/capture/wrapper-reap.sh\`. Nothing here is hand-edited."
  echo
  echo "- kernel (uname -r): \`$(uname -r)\`"
  echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) CPUs, CLK_TCK=$(getconf CLK_TCK)"
  echo "- captured: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- tools: $(timeout --version | head -n1), $(xargs --version | head -n1), $(make --version | head -n1), $(sudo -V | head -n1)"
  echo "- block devices in /proc/diskstats: $(awk '{printf "%s(%s:%s) ", $3, $1, $2}' /proc/diskstats)"
} >"$OUT/SOURCE.md"
log "done; fixtures in $OUT ($(du -sh "$OUT" | cut -f1))"
