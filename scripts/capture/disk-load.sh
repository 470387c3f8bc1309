#!/usr/bin/env bash
# disk-load.sh - generate real disk load on this host and record genuine /proc
# snapshots (via proc-snapshot.sh) as test fixtures for Culprit's parsers.
#
# Usage:  sudo scripts/capture/disk-load.sh [SCENARIO ...]
#   scenarios: idle dd-write dd-write-delayacct child-exit fio-read cgroup-samples
#   (default: all of them, in that order)
#
# Environment:
#   OUT         fixture root (default: <repo>/collectors/src/test/resources/captured/proc)
#   WORK        scratch directory on a real disk (default: /var/tmp)
#   DD_SECONDS  how long the dd-write dd should run (default 6)
#   DD_MAX_MB   upper bound for the dd-write size in MiB (default 12288)
#   SKIP_INSTALL=1  do not apt-get install sysstat/fio
#
# Idempotent: every scenario directory is deleted and re-created; scratch
# files are /var/tmp/culprit-* and are removed on exit; background processes
# are started by this script, tracked by PID and killed by PID on exit;
# kernel.task_delayacct is restored to its previous value on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=proc-snapshot.sh
source "$HERE/proc-snapshot.sh"

OUT=${OUT:-$REPO/collectors/src/test/resources/captured/proc}
WORK=${WORK:-/var/tmp}
DD_SECONDS=${DD_SECONDS:-6}
DD_MAX_MB=${DD_MAX_MB:-12288}
export LC_ALL=C   # iostat/pidstat: '.' decimals, 24h clock

if [[ $# -gt 0 ]]; then
  SCENARIOS=("$@")
else
  SCENARIOS=(idle dd-write dd-write-delayacct child-exit fio-read cgroup-samples)
fi

[[ $EUID -eq 0 ]] || { echo "must run as root" >&2; exit 1; }

# Do not leak the caller's extra file descriptors (terminal, CI pipes, ...)
# into the workload processes: their fd lists end up in the fixtures.
for _fd in /proc/$$/fd/*; do
  _fd=${_fd##*/}
  if [[ $_fd -gt 2 && $_fd -ne 255 ]]; then eval "exec $_fd>&-" 2>/dev/null || true; fi
done
unset _fd

log() { printf '[disk-load %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- tooling
install_tools() {
  if [[ "${SKIP_INSTALL:-0}" == 1 ]]; then return 0; fi
  if command -v fio >/dev/null && command -v iostat >/dev/null && command -v pidstat >/dev/null; then
    return 0
  fi
  log "installing sysstat fio"
  apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Lock::Timeout=600 update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y sysstat fio
}

# ---------------------------------------------------------------- cleanup
BG_PIDS=()
ORIG_DELAYACCT=$(cat /proc/sys/kernel/task_delayacct 2>/dev/null || echo "")

kill_tree() {   # kill a process we started and its direct children, by PID
  local p=$1 c kids
  kids=$(pgrep -P "$p" 2>/dev/null || true)
  # parent first, so a shell does not print "Terminated" for its child
  kill "$p" 2>/dev/null || true
  for c in $kids; do kill "$c" 2>/dev/null || true; done
}

# stop a process started with spawn (and its children), reap it and forget
# its PID so that cleanup never signals a recycled PID
stop() {
  local p=$1 q keep=()
  kill_tree "$p"
  wait "$p" 2>/dev/null || true
  for q in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do [[ "$q" == "$p" ]] || keep+=("$q"); done
  BG_PIDS=("${keep[@]+"${keep[@]}"}")
}

cleanup() {
  local p
  for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do kill_tree "$p"; done
  for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do wait "$p" 2>/dev/null || true; done
  rm -f "$WORK"/culprit-dd "$WORK"/culprit-child "$WORK"/culprit-fio "$WORK"/culprit-cal \
        "$WORK"/culprit-*.stderr
  if [[ -n "$ORIG_DELAYACCT" && -w /proc/sys/kernel/task_delayacct ]]; then
    echo "$ORIG_DELAYACCT" >/proc/sys/kernel/task_delayacct || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start a background process with clean stdio; its PID goes into BG_PIDS
# and into the variable named by $1.
#   spawn VAR STDERR_FILE cmd args...
spawn() {
  local __var=$1 errf=$2; shift 2
  "$@" </dev/null >/dev/null 2>"$errf" &
  BG_PIDS+=("$!")
  printf -v "$__var" '%s' "$!"
}

# ---------------------------------------------------------------- helpers
now_ms() { date +%s%3N; }

# sleep until epoch-ms $1
sleep_until_ms() {
  local d=$(( $1 - $(now_ms) ))
  if (( d > 0 )); then sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"; fi
}

# wait (max ~10 s) for a child of $1 named $2 and print its PID
wait_child() {
  local parent=$1 name=$2 i c
  for i in $(seq 500); do
    c=$(pgrep -P "$parent" -x "$name" 2>/dev/null | head -n1 || true)
    if [[ -n "$c" ]]; then echo "$c"; return 0; fi
    sleep 0.02
  done
  echo "no child $name of $parent" >&2
  return 1
}

io_field() {  # io_field PID FIELD -> value (empty if unreadable)
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/io" 2>/dev/null || true
}

# wait until PID has written at least $2 bytes (max ~10 s)
wait_written() {
  local pid=$1 min=$2 i w
  for i in $(seq 500); do
    w=$(io_field "$pid" write_bytes)
    if [[ -n "$w" && "$w" -ge "$min" ]]; then return 0; fi
    sleep 0.02
  done
  return 1
}

# roles file: ROLE<TAB>PID<TAB>COMM (comm at the time of writing)
write_roles() {  # write_roles FILE role=pid ...
  local f=$1 kv role pid; shift
  { printf '# ROLE\tPID\tCOMM\n'
    for kv in "$@"; do
      role=${kv%%=*}; pid=${kv#*=}
      printf '%s\t%s\t%s\n' "$role" "$pid" "$(cat /proc/"$pid"/comm 2>/dev/null || echo '?')"
    done
  } >"$f"
}

# take N snapshots t0..t(N-1) of PIDS into DIR, ~1 s apart (start to start)
#   snapshots DIR N PID...
snapshots() {
  local dir=$1 n=$2 i start; shift 2
  start=$(now_ms)
  for ((i = 0; i < n; i++)); do
    sleep_until_ms $(( start + i * 1000 ))
    proc_snapshot "$dir/t$i" "$@"
    log "snapshot $dir/t$i done"
  done
}

# throughput of O_DIRECT 1 MiB writes to $WORK in MiB/s (short calibration)
calibrate_mib_s() {
  local t0 t1 ms
  t0=$(now_ms)
  dd if=/dev/zero of="$WORK/culprit-cal" bs=1M count=512 oflag=direct status=none
  t1=$(now_ms)
  rm -f "$WORK/culprit-cal"
  ms=$(( t1 - t0 )); (( ms > 0 )) || ms=1
  echo $(( 512 * 1000 / ms ))
}

ksoftirqd0() { pgrep -x 'ksoftirqd/0' | head -n1; }

# ================================================================ scenarios
scenario_idle() {
  local d=$OUT/idle s1 sh1 tl
  rm -rf "$d"; mkdir -p "$d"
  spawn s1 /dev/null sleep 600
  spawn sh1 /dev/null bash -c 'sleep 600; :'
  spawn tl /dev/null tail -f /dev/null
  local shc; shc=$(wait_child "$sh1" sleep)
  sleep 1
  local k; k=$(ksoftirqd0)
  write_roles "$d/PIDS.txt" kthreadd=2 "ksoftirqd0=$k" "idle-sleep=$s1" \
    "idle-bash=$sh1" "idle-bash-child-sleep=$shc" "idle-tail=$tl"
  snapshots "$d" 2 2 "$k" "$s1" "$sh1" "$shc" "$tl"
  stop "$sh1"; stop "$s1"; stop "$tl"
}

# dd-write / dd-write-delayacct
scenario_dd_write() {
  local name=$1 nsnap=$2 d=$OUT/$1 rate count idle cpu parent ddp ios pids
  rm -rf "$d"; mkdir -p "$d"
  rate=$(calibrate_mib_s)
  count=$(( rate * DD_SECONDS ))
  (( count >= 1024 )) || count=1024
  (( count <= DD_MAX_MB )) || count=$DD_MAX_MB
  log "$name: calibrated ${rate} MiB/s, dd count=${count} MiB"
  cat /proc/sys/kernel/task_delayacct >"$d/task_delayacct.txt"

  spawn idle /dev/null sleep 600
  spawn cpu /dev/null sha256sum /dev/zero
  spawn parent "$WORK/culprit-$name.stderr" bash -c \
    "dd if=/dev/zero of=$WORK/culprit-dd bs=1M count=$count oflag=direct; sleep 5; :"
  ddp=$(wait_child "$parent" dd)
  wait_written "$ddp" $((64 << 20)) || log "WARN: dd did not start writing"

  write_roles "$d/PIDS.txt" "dd=$ddp" "dd-parent-bash=$parent" \
    "cpu-bystander-sha256sum=$cpu" "idle-sleep=$idle"
  {
    echo "calibrated_mib_per_s=$rate"
    echo "dd_command=dd if=/dev/zero of=$WORK/culprit-dd bs=1M count=$count oflag=direct"
    echo "parent_command=bash -c 'dd ...; sleep 5; :' (trailing : stops bash from exec-ing sleep in place of itself)"
    echo "bystander_command=sha256sum /dev/zero"
    echo "iostat_command=iostat -x 1 3"
    echo "pidstat_command=pidstat -d 1 3"
    echo "reference_start_epoch_ms=$(now_ms)"
  } >"$d/COMMANDS.txt"
  # independent references, running concurrently with the snapshots
  iostat -x 1 3 >"$d/iostat-x.txt" 2>&1 &
  ios=$!
  pidstat -d 1 3 >"$d/pidstat-d.txt" 2>&1 &
  pids=$!
  snapshots "$d" "$nsnap" "$ddp" "$parent" "$cpu" "$idle"
  wait "$ios" "$pids" || true
  # let dd finish to get its own summary line
  while kill -0 "$ddp" 2>/dev/null; do sleep 0.1; done
  stop "$parent"; stop "$cpu"; stop "$idle"
  cp "$WORK/culprit-$name.stderr" "$d/dd-stderr.txt"
  rm -f "$WORK/culprit-dd" "$WORK/culprit-$name.stderr"
}

scenario_child_exit() {
  local d=$OUT/child-exit rate count idle parent ddp t0 gone i
  rm -rf "$d"; mkdir -p "$d"
  rate=$(calibrate_mib_s)
  count=$(( rate * 3 / 4 ))          # ~0.75 s of writing
  (( count >= 256 )) || count=256
  log "child-exit: calibrated ${rate} MiB/s, dd count=${count} MiB"
  spawn idle /dev/null sleep 600
  spawn parent "$WORK/culprit-child-exit.stderr" bash -c \
    "dd if=/dev/zero of=$WORK/culprit-child bs=1M count=$count oflag=direct; sleep 30; :"
  ddp=$(wait_child "$parent" dd)
  wait_written "$ddp" $((16 << 20)) || log "WARN: dd did not start writing"
  write_roles "$d/PIDS.txt" "parent-bash=$parent" "dd-child=$ddp" "idle-sleep=$idle"
  echo "dd_command=dd if=/dev/zero of=$WORK/culprit-child bs=1M count=$count oflag=direct" >"$d/COMMANDS.txt"
  echo "parent_command=bash -c 'dd ...; sleep 30; :' (trailing : stops bash from exec-ing sleep in place of itself)" >>"$d/COMMANDS.txt"

  t0=$(now_ms)
  proc_snapshot "$d/t0" "$parent" "$ddp" "$idle"
  log "child-exit t0 done"
  if [[ ! -d "$d/t0/$ddp" ]]; then
    log "WARN: dd already gone at t0 (disk faster than calibrated)"
  fi
  # wait for the child to exit (and be reaped by bash)
  for i in $(seq 1000); do
    [[ -d /proc/$ddp ]] || break
    sleep 0.01
  done
  gone=$(now_ms)
  echo "child_gone_detected_epoch_ms=$gone" >>"$d/COMMANDS.txt"
  echo "child_gone_after_t0_ms=$((gone - t0))" >>"$d/COMMANDS.txt"
  local sc; sc=$(wait_child "$parent" sleep || true)
  echo "parent_new_child_sleep_pid=${sc:-}" >>"$d/COMMANDS.txt"
  sleep_until_ms $(( t0 + 1000 ))
  # the dd PID is passed on purpose: it is listed in missing_pids at t1/t2
  proc_snapshot "$d/t1" "$parent" "$ddp" "$idle"
  log "child-exit t1 done"
  sleep_until_ms $(( t0 + 2000 ))
  proc_snapshot "$d/t2" "$parent" "$ddp" "$idle"
  log "child-exit t2 done"
  stop "$parent"; stop "$idle"
  cp "$WORK/culprit-child-exit.stderr" "$d/dd-stderr.txt"
  rm -f "$WORK/culprit-child" "$WORK/culprit-child-exit.stderr"
}

scenario_fio_read() {
  local d=$OUT/fio-read idle fiom fioj ios i k st start
  rm -rf "$d"; mkdir -p "$d"
  log "fio-read: preparing 1 GiB file"
  dd if=/dev/zero of="$WORK/culprit-fio" bs=1M count=1024 oflag=direct status=none
  spawn idle /dev/null sleep 600
  spawn fiom "$WORK/culprit-fio-read.stderr" fio --name=culprit-randread \
    --filename="$WORK/culprit-fio" --rw=randread --bs=4k --direct=1 \
    --ioengine=psync --size=1G --runtime=10 --time_based --numjobs=1 \
    --output="$d/fio-output.txt"
  fioj=$(wait_child "$fiom" fio)
  # wait until the job actually reads
  for i in $(seq 500); do
    k=$(io_field "$fioj" read_bytes)
    [[ -n "$k" && "$k" -gt 0 ]] && break
    sleep 0.02
  done
  sleep 0.5
  write_roles "$d/PIDS.txt" "fio-main=$fiom" "fio-job=$fioj" "idle-sleep=$idle"
  {
    echo "fio_command=fio --name=culprit-randread --filename=$WORK/culprit-fio --rw=randread --bs=4k --direct=1 --ioengine=psync --size=1G --runtime=10 --time_based --numjobs=1"
    echo "iostat_command=iostat -x 1 3"
    echo "snapshot_policy=each snapshot waits up to 300 ms for the fio job to be in state D, and is retaken (max 10 attempts) if the copied stat shows another state"
  } >"$d/COMMANDS.txt"
  iostat -x 1 3 >"$d/iostat-x.txt" 2>&1 &
  ios=$!
  start=$(now_ms)
  for i in 0 1 2; do
    sleep_until_ms $(( start + i * 1000 ))
    # try to catch the job in uninterruptible sleep (state D): wait for D,
    # snapshot, and retake the snapshot (max 10 attempts) if the copied
    # /proc/PID/stat does not show D any more
    local try cst=""
    for try in $(seq 10); do
      for k in $(seq 300); do
        st=$(awk '{print $3}' "/proc/$fioj/stat" 2>/dev/null || true)
        [[ "$st" == D ]] && break
        sleep 0.001
      done
      proc_snapshot "$d/t$i" "$fioj" "$fiom" "$idle"
      cst=$(awk '{print $3}' "$d/t$i/$fioj/stat" 2>/dev/null || true)
      [[ "$cst" == D ]] && break
    done
    echo "t${i}_attempts=$try t${i}_job_state_in_stat=$cst" >>"$d/COMMANDS.txt"
    log "fio-read t$i done (attempts: $try, job state in copied stat: $cst)"
  done
  wait "$ios" || true
  # brief state sampling of the job: raw field 3 of /proc/PID/stat
  for i in $(seq 200); do
    awk '{print $3}' "/proc/$fioj/stat" 2>/dev/null || true
    sleep 0.005
  done | sort | uniq -c >"$d/job-state-samples.txt"
  wait "$fiom" 2>/dev/null || true
  stop "$fiom"; stop "$idle"
  rm -f "$WORK/culprit-fio" "$WORK/culprit-fio-read.stderr"
}

scenario_cgroup_samples() {
  local d=$OUT/cgroup-samples s1 k
  rm -rf "$d"; mkdir -p "$d"
  spawn s1 /dev/null sleep 600
  k=$(ksoftirqd0)
  # proc_snapshot re-creates $d, so the extra files are written afterwards
  proc_snapshot "$d" 2 "$k" "$$" "$s1"
  write_roles "$d/PIDS.txt" kthreadd=2 "ksoftirqd0=$k" "capture-script-bash=$$" "sleep=$s1"
  cat /proc/cgroups >"$d/cgroups"
  stop "$s1"
}

write_source_md() {
  local f=$OUT/SOURCE.md
  {
    echo "# Captured /proc fixtures"
    echo
    echo "Genuine kernel output, recorded by \`scripts/capture/disk-load.sh\`"
    echo "(snapshot logic in \`scripts/capture/proc-snapshot.sh\`, format described in"
    echo "\`scripts/capture/README-proc.md\`). Nothing here is hand-edited."
    echo
    echo "- kernel (uname -r): \`$(uname -r)\`"
    echo "- uname -a: \`$(uname -a)\`"
    echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "- CPUs: $(nproc), CLK_TCK=$(getconf CLK_TCK), page size $(getconf PAGESIZE)"
    echo "- captured: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- kernel.task_delayacct before capture: ${ORIG_DELAYACCT:-n/a}"
    echo "- /proc/pressure/io present: $([[ -e /proc/pressure/io ]] && echo yes || echo no)"
    echo "- block devices in /proc/diskstats: $(awk '{printf "%s(%s:%s) ", $3, $1, $2}' /proc/diskstats)"
    echo "- root filesystem: $(awk '$5 == "/" {print $10, $9, "dev", $3}' /proc/self/mountinfo)"
    echo "- tools: $(fio --version 2>/dev/null), $(iostat -V 2>&1 | head -n1)"
    echo "- last run of the script captured: ${SCENARIOS[*]}"
    echo
    echo "| scenario | first snapshot (UTC) |"
    echo "|---|---|"
    local sd snap ms
    for sd in "$OUT"/*/; do
      sd=${sd%/}
      snap=$(ls "$sd"/t0/SNAPSHOT.txt "$sd"/SNAPSHOT.txt 2>/dev/null | head -n1 || true)
      [[ -n "$snap" ]] || continue
      ms=$(awk -F= '$1 == "epoch_ms_start" {print $2}' "$snap")
      echo "| ${sd##*/} | $(date -u -d "@$((ms / 1000))" +%Y-%m-%dT%H:%M:%SZ) |"
    done
  } >"$f"
}

# ================================================================ main
install_tools
mkdir -p "$OUT"
for sc in "${SCENARIOS[@]}"; do
  log "=== scenario $sc"
  case $sc in
    idle) scenario_idle ;;
    dd-write) scenario_dd_write dd-write 3 ;;
    dd-write-delayacct)
      if echo 1 >/proc/sys/kernel/task_delayacct 2>/dev/null; then
        scenario_dd_write dd-write-delayacct 2
        echo "${ORIG_DELAYACCT:-0}" >/proc/sys/kernel/task_delayacct
      else
        log "kernel.task_delayacct not writable, skipping $sc"
      fi
      ;;
    child-exit) scenario_child_exit ;;
    fio-read) scenario_fio_read ;;
    cgroup-samples) scenario_cgroup_samples ;;
    *) echo "unknown scenario: $sc" >&2; exit 2 ;;
  esac
done
write_source_md
log "done; fixtures in $OUT ($(du -sh "$OUT" | cut -f1))"
