#!/usr/bin/env bash
# One-shot analysis of a mod_evasive flood: Culprit (`collect --once` + `replay`) beside fail2ban-regex
# on the same Apache error log. See --help; the figures are kept in docs/PERFORMANCE.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bench-vs-fail2ban.sh [--lines N] [--keep DIR]

Times Culprit's one-shot analysis of an Apache error log beside fail2ban-regex on the same file.

1. Writes a log of N mod_evasive denials (scripts/gen-evasive-denials.py, seeded: the same N gives
   the same file) from 1,000 attacking addresses of 198.18.0.0/15 over 10 minutes, in the form
   Apache 2.4 + mod_evasive write it (as captured in collectors/src/test/resources/captured/evasive/).
2. Culprit, as a new user runs it, with a temporary data directory:
     ./culprit collect --once --host bench --out ARCHIVE LOG
     ./culprit replay --no-store ARCHIVE
   and checks that collect read every line and replay printed a dos incident.
3. fail2ban-regex LOG scripts/fail2ban/culprit-evasive.conf, and checks that it matched every line.
4. Prints the machine, each process's wall time, CPU (user + sys) and peak RSS (/usr/bin/time),
   Culprit's start-up (the same two commands on the log's first 100 lines, not in the ratio),
   then `ratio: R`, fail2ban-regex's wall time over Culprit's (collect + replay).

./culprit is run once before the timing, so that a build it needs is not timed.

Options:
  --lines N    lines in the log (default 1000000)
  --keep DIR   write the log to DIR/error.log and keep it (default: a temporary directory)
  -h, --help   this text

Exit status: 0 done, 1 a party failed or the counts differ, 2 usage or a missing tool
(fail2ban-regex: apt-get install fail2ban; /usr/bin/time: apt-get install time).
EOF
}

lines=1000000
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) [ $# -ge 2 ] || { echo "bench-vs-fail2ban: --lines needs a number" >&2; exit 2; }; lines="$2"; shift 2 ;;
    --lines=*) lines="${1#--lines=}"; shift ;;
    --keep) [ $# -ge 2 ] || { echo "bench-vs-fail2ban: --keep needs a directory" >&2; exit 2; }; keep="$2"; shift 2 ;;
    --keep=*) keep="${1#--keep=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench-vs-fail2ban: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$lines" =~ ^[1-9][0-9]{0,8}$ ]]; then
  echo "bench-vs-fail2ban: --lines must be a whole number from 1 to 999999999, not '$lines'" >&2
  exit 2
fi

missing() { echo "bench-vs-fail2ban: $1" >&2; exit 2; }
command -v fail2ban-regex >/dev/null || missing "fail2ban-regex not found (Debian: apt-get install fail2ban)"
[ -x /usr/bin/time ] || missing "/usr/bin/time not found (Debian: apt-get install time)"
command -v python3 >/dev/null || missing "python3 not found (it writes the log)"
command -v java >/dev/null || missing "java not found (./culprit needs Java 17)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
filter="$root/scripts/fail2ban/culprit-evasive.conf"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/bench-vs-fail2ban.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  log="$(cd "$keep" && pwd)/error.log"
else
  log="$tmp/error.log"
fi
archive="$tmp/bench.archive.gz"

fail() { echo "bench-vs-fail2ban: $1" >&2; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# "wall user sys maxrss_kb" of one command into $tmp/$1.time, its output into $tmp/$1.out and .err
timed() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}
# "wall 1.23 s, CPU 4.56 s (user 4.00 + sys 0.56), peak RSS 123 MiB" of $tmp/$1.time
figures() {
  awk '{ printf "wall %.2f s, CPU %.2f s (user %.2f + sys %.2f), peak RSS %.0f MiB", $1, $2 + $3, $2, $3, $4 / 1024 }' \
    "$tmp/$1.time"
}
field() { awk -v i="$2" '{ print $i }' "$tmp/$1.time"; }

# Build ./culprit now if its sources changed, so that the build is not timed.
"$root/culprit" --version >/dev/null || fail "./culprit does not start (its build failed?)"

echo "machine: $(nproc) cores, $(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
     "$(uname -sr), $(java -version 2>&1 | head -1), $(fail2ban-regex --version | head -1), load $(load)"

start=$(date +%s.%N)
python3 "$root/scripts/gen-evasive-denials.py" --lines "$lines" "$log" || fail "the log generator failed"
made=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "log: $lines mod_evasive denials of 1000 clients over 600 s, $(( $(stat -c %s "$log") / 1048576 )) MiB, made in $made s${keep:+, kept as $log}"

# The filter must take each line's client as fail2ban's <HOST>: checked on the first 1,000 lines, untimed.
head -n 1000 "$log" >"$tmp/head.log"
fail2ban-regex -o ip "$tmp/head.log" "$filter" >"$tmp/head.ips" 2>&1 || fail "fail2ban-regex -o ip failed: $(tail -3 "$tmp/head.ips")"
sed 's/.*\[client \([^]]*\):[0-9]*\].*/\1/' "$tmp/head.log" | cmp -s - "$tmp/head.ips" \
  || fail "the filter's <HOST> is not each line's client (fail2ban-regex -o ip on the first 1,000 lines)"

# Culprit
status=0
timed collect "$root/culprit" collect --once --host bench --data-dir "$tmp/data" --out "$archive" "$log" || status=$?
[ "$status" -eq 0 ] || fail "culprit collect --once exited $status: $(tail -5 "$tmp/collect.err")"
load_collect=$(load)
timed replay "$root/culprit" replay --no-store --data-dir "$tmp/data" "$archive" || status=$?
[ "$status" -eq 0 ] || fail "culprit replay exited $status: $(tail -5 "$tmp/replay.err")"
load_replay=$(load)
echo "culprit collect --once: $(figures collect); load after $load_collect"
sed 's/^/  /' "$tmp/collect.err"
echo "culprit replay --no-store: $(figures replay); load after $load_replay"
sed 's/^/  /' "$tmp/replay.out"

# Culprit's fixed cost: the same two commands on the log's first 100 lines (JVM, Flink, keystore of a new data directory)
head -n 100 "$log" >"$tmp/small.log"
timed small-collect "$root/culprit" collect --once --host bench --data-dir "$tmp/small-data" --out "$tmp/small.archive.gz" \
  "$tmp/small.log" || fail "culprit collect --once on 100 lines exited $?: $(tail -5 "$tmp/small-collect.err")"
timed small-replay "$root/culprit" replay --no-store --data-dir "$tmp/small-data" "$tmp/small.archive.gz" \
  || fail "culprit replay of 100 lines exited $?: $(tail -5 "$tmp/small-replay.err")"
echo "culprit on the first 100 lines only (its start-up, not in the ratio): collect --once $(figures small-collect);" \
     "replay $(figures small-replay)"

# fail2ban-regex
timed f2b fail2ban-regex "$log" "$filter" || status=$?
[ "$status" -eq 0 ] || fail "fail2ban-regex exited $status: $(tail -5 "$tmp/f2b.err" "$tmp/f2b.out")"
echo "fail2ban-regex: $(figures f2b); load after $(load)"
grep -E '^(Lines:|\[processed)' "$tmp/f2b.out" | sed 's/^/  /'

# The counts: each party must have taken every line as a denial.
counts=$(grep -E '^Lines: ' "$tmp/f2b.out" || true)
[[ "$counts" =~ ^Lines:\ ([0-9]+)\ lines,\ ([0-9]+)\ ignored,\ ([0-9]+)\ matched,\ ([0-9]+)\ missed ]] \
  || fail "no 'Lines: ... matched' line in fail2ban-regex's output"
[ "${BASH_REMATCH[1]}" -eq "$lines" ] && [ "${BASH_REMATCH[3]}" -eq "$lines" ] \
  || fail "fail2ban-regex matched ${BASH_REMATCH[3]} of ${BASH_REMATCH[1]} lines read, not all $lines"
read_line=$(grep -F "$log: " "$tmp/collect.err" || true)
[[ "$read_line" =~ :\ ([0-9]+)\ read,\ ([0-9]+)\ event\(s\),\ ([0-9]+)\ unparseable ]] \
  || fail "no 'N read, E event(s), U unparseable' line for the log in culprit collect's output"
[ "${BASH_REMATCH[1]}" -eq "$lines" ] && [ "${BASH_REMATCH[3]}" -eq 0 ] \
  || fail "culprit collect read ${BASH_REMATCH[1]} lines, ${BASH_REMATCH[3]} unparseable, not all $lines parsed"
grep -Eq '^[0-9a-f]+ +dos +[a-z]+ +bench +.*198\.18\.' "$tmp/replay.out" \
  || fail "culprit replay printed no dos incident on host bench naming the attackers"

culprit_wall=$(awk -v a="$(field collect 1)" -v b="$(field replay 1)" 'BEGIN { printf "%.2f", a + b }')
culprit_cpu=$(awk -v a="$(field collect 2)" -v b="$(field collect 3)" -v c="$(field replay 2)" -v d="$(field replay 3)" \
  'BEGIN { printf "%.2f", a + b + c + d }')
echo "culprit, collect + replay: wall $culprit_wall s, CPU $culprit_cpu s;" \
     "fail2ban-regex: wall $(field f2b 1) s, CPU $(awk -v a="$(field f2b 2)" -v b="$(field f2b 3)" 'BEGIN { printf "%.2f", a + b }') s"
awk -v f="$(field f2b 1)" -v c="$culprit_wall" 'BEGIN { printf "culprit takes %.1f times fail2ban-regex'"'"'s wall time\nratio: %.1f\n", c / f, f / c }'
