#!/usr/bin/env bash
# Reproduce Culprit's three incidents by hand against your own Apache and a running Culprit
# (`culprit demo --config FILE` or `culprit collect` + `culprit run`), on loopback only.
#
#   scripts/demo-attack.sh dos  [--url URL] [--seconds N]
#   scripts/demo-attack.sh mail --docroot DIR --send-mail-to-example-invalid [--url URL]
#   scripts/demo-attack.sh io   [--dir DIR] [--seconds N]
#   scripts/demo-attack.sh all  ... (the three, one after the other)
#
# dos   three attackers from 127.0.0.66 and .67 (150 requests/s at one page each: mod_evasive
#       blocks them) and 127.0.0.68 (40 different pages a second: under mod_evasive's counts,
#       found from the access log).
# mail  writes DIR/culprit-demo-bulk.php, requests it once from 127.0.0.77 (it sends 300 mails
#       with Bcc, 20 ms apart, to addresses at example.invalid, which no MTA delivers, through your
#       PHP's sendmail_path; they may sit in or bounce from your local mail queue), then deletes it.
# io    direct writes of 2 GiB over and over in DIR (default /var/tmp) for N seconds, beside a
#       CPU-bound sha256sum; both started through timeout, as a cron job would be.
#
# Exit codes: 0 done, 2 usage or a URL that is not loopback, 1 a step failed.
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
die_usage() { echo "demo-attack.sh: $*" >&2; echo "see scripts/demo-attack.sh --help" >&2; exit 2; }

scenario=${1:-}
case "$scenario" in
    -h|--help) usage; exit 0 ;;
    dos|mail|io|all) shift ;;
    "") die_usage "name a scenario: dos, mail, io or all" ;;
    *) die_usage "unknown scenario '$scenario' (dos, mail, io or all)" ;;
esac

url=http://127.0.0.1/
seconds=40
docroot=""
dir=/var/tmp
send_mail=no
while [ $# -gt 0 ]; do
    case "$1" in
        --url) url=${2:?--url needs a URL}; shift 2 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --docroot) docroot=${2:?--docroot needs a directory}; shift 2 ;;
        --dir) dir=${2:?--dir needs a directory}; shift 2 ;;
        --send-mail-to-example-invalid) send_mail=yes; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die_usage "unknown option '$1'" ;;
    esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 5 ] || die_usage "--seconds must be a whole number of at least 5, was '$seconds'"
host=$(printf '%s' "$url" | sed -E 's#^https?://(\[[^]]*\]|[^/:]*).*#\1#')
case "$host" in
    127.*|localhost|"[::1]") ;;
    *) die_usage "--url must point at this machine's loopback (127.x.x.x, localhost, [::1]), was '$url'" ;;
esac
url=${url%/}

log() { printf '[demo-attack %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

pids=()
cleanup() {
    local status=$?
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "${bulk_script:-}" ]; then rm -f "$bulk_script"; fi
    if [ -n "${scratch:-}" ]; then rm -f "$scratch"; fi
    exit "$status"
}
trap cleanup EXIT

dos() {
    curl -s -o /dev/null --max-time 5 "$url/" || { echo "demo-attack.sh: nothing answers at $url" >&2; exit 1; }
    log "dos: 127.0.0.66 and .67 at 150 requests/s on one page each, 127.0.0.68 at 40 different pages/s, for $seconds s"
    timeout "$seconds" curl -s -o /dev/null --rate 150/s --interface 127.0.0.66 "$url/?culprit-demo=[1-1000000]" & pids+=($!)
    timeout "$seconds" curl -s -o /dev/null --rate 150/s --interface 127.0.0.67 "$url/index.html?try=[1-1000000]" & pids+=($!)
    timeout "$seconds" curl -s -o /dev/null --rate 40/s --interface 127.0.0.68 "$url/culprit-demo-page-[1-1000000].html" & pids+=($!)
    wait "${pids[@]}" || true
    pids=()
    log "dos: done; expect one DoS incident naming 127.0.0.66, .67 and .68, resolved a minute later (dos.yaml cooldown)"
}

mail() {
    [ -n "$docroot" ] || die_usage "mail needs --docroot DIR (where your Apache serves $url/ from)"
    [ "$send_mail" = yes ] || die_usage "mail sends 300 real mails through your PHP's sendmail_path to @example.invalid; say --send-mail-to-example-invalid to go ahead"
    [ -d "$docroot" ] && [ -w "$docroot" ] || die_usage "--docroot $docroot is not a directory you can write"
    bulk_script="$docroot/culprit-demo-bulk.php"
    cat >"$bulk_script" <<'PHP'
<?php
// Written by Culprit's scripts/demo-attack.sh and deleted again when it ends.
for ($i = 0; $i < 300; $i++) {
    mail("user$i@example.invalid", "Your invoice $i", "culprit demo\n",
        "From: billing@example.invalid\r\nBcc: a$i@example.invalid, b$i@example.invalid");
    usleep(20000);
}
echo "sent 300\n";
PHP
    chmod 644 "$bulk_script"
    log "mail: $url/culprit-demo-bulk.php from 127.0.0.77 (300 mails, about 7 s)"
    curl -sS --max-time 120 -o /dev/null --interface 127.0.0.77 "$url/culprit-demo-bulk.php" || { echo "demo-attack.sh: the bulk request failed" >&2; exit 1; }
    rm -f "$bulk_script"
    bulk_script=""
    log "mail: done; expect one mail incident naming $docroot/culprit-demo-bulk.php, called by 127.0.0.77"
}

io() {
    [ -d "$dir" ] && [ -w "$dir" ] || die_usage "--dir $dir is not a directory you can write"
    scratch="$dir/culprit-demo-attack-$$"
    log "io: direct writes to $scratch and a CPU-bound sha256sum, for $seconds s"
    timeout "$seconds" sha256sum /dev/zero & pids+=($!)
    timeout "$seconds" sh -c "while :; do dd if=/dev/zero of='$scratch' bs=1M count=2048 oflag=direct status=none; done" & pids+=($!)
    wait "${pids[@]}" || true
    pids=()
    rm -f "$scratch"
    scratch=""
    log "io: done; expect one I/O-wait incident naming dd and its disk (not timeout, sh or sha256sum)"
}

case "$scenario" in
    dos) dos ;;
    mail) mail ;;
    io) io ;;
    all) dos; mail; io ;;
esac
