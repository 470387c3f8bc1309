#!/usr/bin/env bash
# proc-snapshot.sh - copy a small, selected subset of /proc into a directory
# tree that mirrors /proc, so that a parser can use the directory as its
# "proc root" (same idea as prometheus node_exporter's fixtures).
#
# Usage (standalone):  proc-snapshot.sh OUT_DIR [PID ...]
# Usage (library):     source proc-snapshot.sh; proc_snapshot OUT_DIR [PID ...]
#
# What is copied (verbatim, with `cat`, binary-safe):
#   OUT/stat OUT/diskstats OUT/meminfo OUT/uptime OUT/mounts OUT/pressure/io (if present)
#   OUT/self/mountinfo  (from /proc/self/mountinfo)
#   OUT/1/mountinfo     (from /proc/1/mountinfo)
#   OUT/PID/{stat,io,status,comm,cmdline,cgroup}   for every PID given
#   OUT/PID/fd.txt      one line per open fd: FD<TAB>TARGET<TAB>DEV
#                       (see README-proc.md for the exact format)
#   OUT/SNAPSHOT.txt    read times of the snapshot (key=value lines)
#
# A PID that vanishes while being copied is recorded in SNAPSHOT.txt
# (missing_pids=...) instead of aborting the snapshot.
#
# Must be run as root for /proc/PID/io and /proc/PID/fd of other users.
set -euo pipefail

# monotonic clock in ns: /proc/timer_list "now at N nsecs" is
# ktime_get() == CLOCK_MONOTONIC (root only). Fallback: python3, then "-".
_ps_monotonic_ns() {
  local line
  if [[ -r /proc/timer_list ]] && line=$(grep -m1 '^now at ' /proc/timer_list 2>/dev/null); then
    line=${line#now at }
    echo "${line%% nsecs}"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import time; print(time.clock_gettime_ns(time.CLOCK_MONOTONIC))'
  else
    echo "-"
  fi
}

_ps_epoch_ms() { date +%s%3N; }

# copy one /proc file if it exists; returns 1 if it could not be read
_ps_copy() {
  local src=$1 dst=$2
  mkdir -p "$(dirname "$dst")"
  if ! cat "$src" >"$dst" 2>/dev/null; then
    rm -f "$dst"
    return 1
  fi
}

# write OUT/PID/fd.txt: FD \t readlink-target \t major:minor(st_dev of target)
# One `find` (link targets) and one `stat` (devices) per PID, so that
# processes with many fds are still captured quickly. Both write to temp
# files first: redirecting this shell's own stdin while they run would change
# what they see when the PID being captured is this shell itself.
_ps_fd_list() {
  local pid=$1 out=$2 fd target rest tmp
  local -A devs=()
  : >"$out"
  [[ -d /proc/$pid/fd ]] || return 0
  tmp=$(mktemp -d)
  # st_dev of the file each fd refers to (stat -L follows the magic link, so it
  # also works for pipe:[..], socket:[..], anon_inode:..), decimal major:minor
  stat -L --printf '%n\t%Hd:%Ld\0' /proc/"$pid"/fd/* >"$tmp/dev" 2>/dev/null || true
  find /proc/"$pid"/fd -mindepth 1 -maxdepth 1 -printf '%f\t%l\0' >"$tmp/lnk" 2>/dev/null || true
  while IFS=$'\t' read -r -d '' fd rest; do
    devs[${fd##*/}]=$rest
  done <"$tmp/dev"
  while IFS=$'\t' read -r -d '' fd target; do
    # keep one record per line even for weird file names
    target=${target//$'\t'/\\t}
    target=${target//$'\n'/\\n}
    [[ -n "$target" ]] || continue   # readlink not permitted
    printf '%s\t%s\t%s\n' "$fd" "$target" "${devs[$fd]:--}"
  done <"$tmp/lnk" | sort -n >"$out"
  rm -rf "$tmp"
}

proc_snapshot() {
  local out=$1; shift
  local pid f missing=() t_start_ms t_end_ms mono_start mono_end
  rm -rf "$out"
  mkdir -p "$out"

  t_start_ms=$(_ps_epoch_ms)
  mono_start=$(_ps_monotonic_ns)

  # system-wide files first (fast), uptime first so it is closest to t_start
  _ps_copy /proc/uptime "$out/uptime"
  _ps_copy /proc/stat "$out/stat"
  _ps_copy /proc/diskstats "$out/diskstats"
  _ps_copy /proc/meminfo "$out/meminfo"
  if [[ -e /proc/pressure/io ]]; then
    _ps_copy /proc/pressure/io "$out/pressure/io" || true
  fi
  _ps_copy /proc/mounts "$out/mounts"
  _ps_copy /proc/self/mountinfo "$out/self/mountinfo"
  _ps_copy /proc/1/mountinfo "$out/1/mountinfo"

  for pid in "$@"; do
    if [[ ! -d /proc/$pid ]]; then
      missing+=("$pid")
      continue
    fi
    mkdir -p "$out/$pid"
    for f in stat io status comm cmdline cgroup; do
      _ps_copy "/proc/$pid/$f" "$out/$pid/$f" || true
    done
    _ps_fd_list "$pid" "$out/$pid/fd.txt"
    if [[ ! -s "$out/$pid/stat" ]]; then
      # process exited while we were copying it: drop the partial directory
      # (pid 1 keeps its mountinfo)
      if [[ "$pid" == 1 ]]; then
        missing+=("$pid")
      else
        rm -rf "${out:?}/$pid"
        missing+=("$pid")
      fi
    fi
  done

  mono_end=$(_ps_monotonic_ns)
  t_end_ms=$(_ps_epoch_ms)

  {
    echo "# read times of this snapshot; files were read between start and end"
    echo "epoch_ms_start=$t_start_ms"
    echo "epoch_ms_end=$t_end_ms"
    echo "monotonic_ns_start=$mono_start"
    echo "monotonic_ns_end=$mono_end"
    echo "monotonic_source=/proc/timer_list(now at)"
    echo "uptime=$(cat "$out/uptime")"
    echo "clk_tck=$(getconf CLK_TCK)"
    echo "page_size=$(getconf PAGESIZE)"
    echo "hostname=$(hostname)"
    echo "kernel=$(uname -r)"
    echo "pids=$*"
    echo "missing_pids=${missing[*]:-}"
  } >"$out/SNAPSHOT.txt"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  if [[ $# -lt 1 ]]; then
    echo "usage: $0 OUT_DIR [PID ...]" >&2
    exit 2
  fi
  proc_snapshot "$@"
fi
