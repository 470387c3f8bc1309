#!/usr/bin/env bash
# iostat-reference.sh - capture pairs of /proc trees and what sysstat's own
# `iostat -x` prints for exactly that pair, as the reference for Culprit's
# disk and CPU arithmetic (IostatParityTest).
#
# Usage:  sudo scripts/capture/iostat-reference.sh [CASE ...]
#   captured cases: idle mixed       (default: both, then the derived cases)
#   derived cases:  derived          (edits of mixed's trees; needs mixed)
#
# How iostat is made to read the captured files: iostat cannot be pointed at
# another /proc, so it runs in a private mount namespace (unshare -m) in which
# /proc/uptime, /proc/stat and /proc/diskstats are bind mounts of files in a
# scratch directory. Those files hold t0 when iostat takes its first read and
# are overwritten in place with t1 before its second read, one second later
# (iostat -y ... 2 1 reads at 0 s and at 2 s). iostat's figures are therefore
# computed from the very bytes Culprit's test reads, not from a neighbouring
# moment; `-p ALL` makes it read /proc/diskstats rather than /sys/block.
#
# Environment:
#   OUT           captured root (default: <repo>/collectors/src/test/resources/captured/iostat)
#   CASES         derived root  (default: <repo>/collectors/src/test/resources/cases/iostat)
#   WORK          scratch directory on the disk under test (default: /var/tmp)
#   SKIP_INSTALL=1  do not apt-get install sysstat
#
# Idempotent: each case directory is deleted and rewritten. Scratch files are
# $WORK/culprit-iostat-* and are removed on exit; load processes are started
# by this script and killed by PID; every load loop is bounded in count and
# time. The mount namespace disappears with its iostat.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/collectors/src/test/resources/captured/iostat}
CASES=${CASES:-$REPO/collectors/src/test/resources/cases/iostat}
WORK=${WORK:-/var/tmp}
SCRATCH=$WORK/culprit-iostat-scratch
INTERVAL_S=2
export LC_ALL=C          # '.' decimals
export S_TIME_FORMAT=ISO

[[ $EUID -eq 0 ]] || { echo "must run as root" >&2; exit 1; }
if [[ $# -gt 0 ]]; then SELECTED=("$@"); else SELECTED=(idle mixed derived); fi

log() { printf '[iostat-reference %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ "${SKIP_INSTALL:-0}" != 1 ]] && ! command -v iostat >/dev/null; then
  log "installing sysstat"
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q sysstat >/dev/null
fi

LOAD_PIDS=()
cleanup() {
  local p
  for p in "${LOAD_PIDS[@]+"${LOAD_PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; done
  for p in "${LOAD_PIDS[@]+"${LOAD_PIDS[@]}"}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$SCRATCH" "$WORK"/culprit-iostat-*
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What HostSampler reads, copied with cat (byte for byte what the kernel returned).
snapshot() {
  local dir=$1
  mkdir -p "$dir"
  cat /proc/uptime >"$dir/uptime"
  cat /proc/stat >"$dir/stat"
  cat /proc/diskstats >"$dir/diskstats"
  if cat /proc/pressure/io >"$dir/pressure-io.tmp" 2>/dev/null; then
    mkdir -p "$dir/pressure"
    mv "$dir/pressure-io.tmp" "$dir/pressure/io"
  else
    rm -f "$dir/pressure-io.tmp"
  fi
}

# iostat_over CASE_DIR: iostat -x's report for CASE_DIR/t0 -> CASE_DIR/t1, into CASE_DIR/iostat.txt
iostat_over() {
  local dir=$1 f pid
  rm -rf "$SCRATCH"
  mkdir -p "$SCRATCH"
  for f in uptime stat diskstats; do cat "$dir/t0/$f" >"$SCRATCH/$f"; done
  unshare -m --propagation private bash -c '
    for f in uptime stat diskstats; do mount --bind "$1/$f" "/proc/$f"; done
    exec iostat -x -k -y -p ALL "$2" 1' _ "$SCRATCH" "$INTERVAL_S" >"$dir/iostat.txt" &
  pid=$!
  sleep 1
  # in place: the bind mounts hold these inodes
  for f in uptime stat diskstats; do cat "$dir/t1/$f" >"$SCRATCH/$f"; done
  wait "$pid"
}

notes_header() {
  echo "captured_by=scripts/capture/iostat-reference.sh"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel=$(uname -r)"
  echo "sysstat=$(iostat -V 2>&1 | head -n1)"
  echo "iostat_command=iostat -x -k -y -p ALL $INTERVAL_S 1 (LC_ALL=C), reading t0 then t1 through bind mounts over /proc/{uptime,stat,diskstats}"
  echo "interval_from=/proc/uptime, as iostat (itv in 1/100 s); avg-cpu from the aggregate cpu line of /proc/stat"
}

# capture CASE "load description" [start-load function]
capture() {
  local name=$1 what=$2 starter=${3:-}
  local dir=$OUT/$name
  log "case $name"
  rm -rf "$dir"
  mkdir -p "$dir"
  if [[ -n "$starter" ]]; then
    "$starter"
    sleep 1  # let the load reach the disk before t0
  fi
  snapshot "$dir/t0"
  sleep "$INTERVAL_S"
  snapshot "$dir/t1"
  for p in "${LOAD_PIDS[@]+"${LOAD_PIDS[@]}"}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  LOAD_PIDS=()
  iostat_over "$dir"
  { notes_header; echo "load=$what"; } >"$dir/NOTES.txt"
}

# Reads, writes, flushes and discards on the root disk at once. / is ext4
# mounted with `discard`: blocks freed by rm are discarded when sync commits
# the journal; conv=fsync ends each small write with a cache flush. A niced
# checksum of /dev/zero gives %nice something to show.
start_mixed_load() {
  timeout 15 nice -n 10 sha256sum /dev/zero >/dev/null &
  LOAD_PIDS+=("$!")
  dd if=/dev/zero of="$WORK/culprit-iostat-read" bs=1M count=256 oflag=direct status=none
  timeout 15 dd if=/dev/zero of="$WORK/culprit-iostat-write" bs=1M count=4096 oflag=direct status=none &
  LOAD_PIDS+=("$!")
  timeout 15 bash -c 'for i in $(seq 1 200); do dd if="$1" of=/dev/null bs=64k iflag=direct status=none; done' _ \
    "$WORK/culprit-iostat-read" &
  LOAD_PIDS+=("$!")
  timeout 15 bash -c 'for i in $(seq 1 300); do
      dd if=/dev/zero of="$1.$i" bs=1M count=4 conv=fsync status=none
      rm -f "$1.$i"; sync
    done' _ "$WORK/culprit-iostat-churn" &
  LOAD_PIDS+=("$!")
}

# derive NAME SOURCE_CASE "how" EDIT_FUNCTION [ "absent WHAT<TAB>why" ...]: copy SOURCE_CASE's
# trees, edit them, run iostat over the result. iostat.txt then holds sysstat's own figures for
# the edited pair; expected.txt lists where Culprit deliberately gives none (iostat's would be absurd).
derive() {
  local name=$1 source=$2 how=$3 edit=$4 line
  shift 4
  local dir=$CASES/$name
  log "derived case $name"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r "$OUT/$source/t0" "$OUT/$source/t1" "$dir/"
  "$edit" "$dir"
  iostat_over "$dir"
  { notes_header; echo "derived_from=captured/iostat/$source"; echo "edit=$how"; } >"$dir/NOTES.txt"
  {
    echo "# Culprit's figures for t0 -> t1 are those of iostat.txt, which sysstat's iostat computed from"
    echo "# these very (edited) trees by its own definitions, except where a line below says absent."
    for line in "$@"; do printf '%s\n' "$line"; done
  } >"$dir/expected.txt"
}

# keep the first N columns of every diskstats line (what older kernels print)
columns() { awk -v n="$1" '{ line = $1; for (i = 2; i <= n; i++) line = line " " $i; print line }'; }
in_place() { local f=$1; shift; "$@" <"$f" >"$f.new"; mv "$f.new" "$f"; }
# awk rebuilds an edited line with single spaces; the kernel prints "cpu" and two
# spaces, and iostat reads the aggregate line's figures from its sixth character on
CPU_SPACING='{ sub(/^cpu /, "cpu  ") } { print }'

edit_14_columns() { local t; for t in t0 t1; do in_place "$1/$t/diskstats" columns 14; done; }
edit_18_columns() { local t; for t in t0 t1; do in_place "$1/$t/diskstats" columns 18; done; }
# a 2.6.0-2.6.24 kernel's partition line: four counters (reads, read sectors, writes, written sectors)
edit_partition_7_columns() {
  local t
  for t in t0 t1; do
    in_place "$1/$t/diskstats" awk '{ print } $3 == "vda" { print 254, 1, "vda1", int($4 / 2), int($6 / 2), int($8 / 2), int($10 / 2) }'
  done
}
# sdb (8:16) is registered between the reads; sdc (8:32) is removed; both carry vda's counters
edit_appear_vanish() {
  awk '{ print } $3 == "vda" { $1 = 8; $2 = 32; $3 = "sdc"; print }' "$1/t0/diskstats" >"$1/t0/diskstats.new"
  awk '{ print } $3 == "vda" { $1 = 8; $2 = 16; $3 = "sdb"; print }' "$1/t1/diskstats" >"$1/t1/diskstats.new"
  mv "$1/t0/diskstats.new" "$1/t0/diskstats"; mv "$1/t1/diskstats.new" "$1/t1/diskstats"
}
# vda re-registered (hot-swap, snapshot restore): at t1 every counter is a tenth of t0's
edit_reregistered() {
  in_place "$1/t1/diskstats" awk '$3 == "vda" { for (i = 4; i <= NF; i++) $i = int($i / 10) } { print }'
}
# only vda's read ticks (column 7) step back, by 5 ms; everything else goes on
edit_one_counter_back() {
  local before
  before=$(awk '$3 == "vda" { print $7 }' "$1/t0/diskstats")
  in_place "$1/t1/diskstats" awk -v v=$((before - 5)) '$3 == "vda" { $7 = v } { print }'
}
# a VM restored from a snapshot: idle and iowait of every cpu line below t0's
edit_stat_back() {
  in_place "$1/t1/stat" awk '/^cpu/ { $5 = int($5 / 2); $6 = int($6 / 2) } '"$CPU_SPACING"
}
# cpu lines of kernels before 2.6 (4 fields) and 2.6.0-2.6.10 (7 fields, no steal)
edit_stat_fields() {
  local n=$2 t
  for t in t0 t1; do in_place "$1/$t/stat" awk -v n="$n" '/^cpu/ { line = $1; for (i = 2; i <= n + 1; i++) line = line " " $i; $0 = line } '"$CPU_SPACING"; done
}
# a hypervisor took 37 ticks from this VM during the interval (this VM's own steal is 0)
edit_stat_steal() {
  in_place "$1/t1/stat" awk '/^cpu / { $9 += 37 } '"$CPU_SPACING"
}
edit_stat_4() { edit_stat_fields "$1" 4; }
edit_stat_7() { edit_stat_fields "$1" 7; }

for c in "${SELECTED[@]}"; do
  case $c in
    idle) capture idle "none started by the script (background activity only)" ;;
    mixed) capture mixed "dd oflag=direct 1 MiB writes; dd iflag=direct 64 KiB reads of a 256 MiB file; 4 MiB writes with conv=fsync, rm, sync (flushes and discards), all under $WORK; nice -n 10 sha256sum /dev/zero" start_mixed_load ;;
    derived)
      [[ -d $OUT/mixed ]] || { echo "derived cases need captured/iostat/mixed: run the mixed case first" >&2; exit 1; }
      derive diskstats-14-columns mixed "diskstats cut to 14 columns in t0 and t1 (kernels before 4.18)" edit_14_columns \
        "# no absent figures: d/s, dkB/s, d_await, f/s, f_await are 0, as iostat reads columns a kernel does not print"
      derive diskstats-18-columns mixed "diskstats cut to 18 columns in t0 and t1 (4.18 to 5.4: discards, no flushes)" edit_18_columns \
        "# no absent figures: f/s and f_await are 0; the discard figures are mixed's"
      derive diskstats-partition-7-columns mixed "t0 and t1 gain a 7-column vda1 line (a partition on kernels before 2.6.25)" edit_partition_7_columns \
        "# no absent figures: iostat -x skips the 7-column line, and so does Culprit, instead of refusing the whole file"
      derive disk-appears-and-vanishes mixed "t0 gains sdc (8:32) and t1 sdb (8:16), each a copy of vda's line of that tree" edit_appear_vanish \
        "absent sdb	registered between the reads: iostat divides its counters since registration by the interval; Culprit has no before to subtract" \
        "absent sdc	gone at t1: neither prints it" \
        "# vda is mixed's, unchanged"
      derive disk-reregistered mixed "t1's vda counters are t0's divided by 10 (integer)" edit_reregistered \
        "absent vda	every I/O count and sector count fell: iostat (iostat.c, 'device removed then inserted again') counts from zero, dividing counters since re-registration by the interval; Culprit gives no figure for the interval" \
        "# avg-cpu is mixed's, unchanged"
      derive one-counter-back mixed "t1's vda read ticks (column 7) are t0's minus 5" edit_one_counter_back \
        "absent vda	read ticks stepped back 5 ms while the I/O counts grew: iostat's unsigned 32-bit difference makes r_await hundreds of thousands of ms; Culprit gives no figure" \
        "# avg-cpu is mixed's, unchanged"
      derive stat-backwards mixed "t1's cpu lines have idle and iowait halved (below t0's)" edit_stat_back \
        "absent avg-cpu	idle and iowait fell: iostat prints 0 for a counter that fell and divides the rest by an unsigned total that wrapped (all 0.00); Culprit gives no CPU shares" \
        "# the disk figures are mixed's, unchanged"
      derive stat-steal mixed "t1's aggregate cpu line has 37 more steal ticks" edit_stat_steal \
        "# no absent figures: steal's growth is a share of the total, which it also grows"
      derive stat-4-fields mixed "cpu lines of t0 and t1 cut to user nice system idle" edit_stat_4 \
        "# no absent figures: iowait, irq, softirq and steal are 0, as iostat reads fields a kernel does not print, so the shares are of user+nice+system+idle"
      derive stat-7-fields mixed "cpu lines of t0 and t1 cut to user .. softirq (no steal)" edit_stat_7 \
        "# no absent figures: steal is 0, as iostat reads it"
      ;;
    *) echo "unknown case: $c" >&2; exit 2 ;;
  esac
done
log "done"
