#!/usr/bin/env bash
# Capture real mod_status output (ExtendedStatus On) for prefork (+mod_php),
# worker and event, idle and under loopback load, plus reads around restarts.
# Output: collectors/src/test/resources/captured/apache/
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
install_packages

OUT="$FIXTURES/apache"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.html "$OUT"/SOURCE.md
TIMES="$OUT/times.txt"
echo "# file<TAB>request_start_epoch_ms<TAB>response_end_epoch_ms<TAB>note" >"$TIMES"

cleanup() {
    set +e
    # bounded background load generators die with their timeouts; kill ours if still there
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -f /var/www/html/culprit-small.html /var/www/html/culprit-slow.php /usr/lib/cgi-bin/culprit-slow.sh
    rm -f /etc/apache2/conf-enabled/zz-culprit-status.conf
    restore_baseline_mods
}
trap cleanup EXIT

# --- content ----------------------------------------------------------------
printf '<html><body>small page for load</body></html>\n' >/var/www/html/culprit-small.html
cat >/var/www/html/culprit-slow.php <<'PHP'
<?php
// slow page: keeps a worker busy so it shows up in server-status
usleep(1500000);
echo "slow done\n";
PHP
mkdir -p /usr/lib/cgi-bin
cat >/usr/lib/cgi-bin/culprit-slow.sh <<'CGI'
#!/bin/sh
sleep 1.5
printf 'Content-Type: text/plain\r\n\r\nslow done\n'
CGI
chmod 755 /usr/lib/cgi-bin/culprit-slow.sh
# mod_evasive (enabled by the Debian package) would block the load generator;
# keep status reporting as Debian ships it (status.conf has ExtendedStatus On).
# A server name avoids nothing in the status output; leave Debian defaults.

# get URL FILE NOTE : fetch and record timing
get() {
    local url=$1 file=$2 note=${3:-}
    local t0 t1
    t0=$(now_ms)
    curl -sS --max-time 20 -o "$OUT/$file" "http://$TARGET$url"
    t1=$(now_ms)
    printf '%s\t%s\t%s\t%s\n' "$file" "$t0" "$t1" "$note" >>"$TIMES"
}

# slow_clients URLPATH : 5 distinct loopback clients each make a few slow requests
slow_clients() {
    local path=$1 i
    for i in 21 22 23 24 25; do
        (
            for _ in 1 2 3 4 5 6; do
                timeout 20 curl -s -o /dev/null --interface "127.0.0.$i" \
                    -A "culprit-capture-slow/$i" "http://$TARGET$path" || true
            done
        ) &
    done
}

capture_mpm() {
    local mpm=$1 slow
    log "=== MPM $mpm ==="
    set_mpm "$mpm"
    a2dismod -q -f evasive >/dev/null 2>&1 || true
    if [ "$mpm" = prefork ]; then
        a2enmod -q php8.2 >/dev/null
        a2dismod -q -f cgid >/dev/null 2>&1 || true
        slow=/culprit-slow.php
    else
        a2enmod -q cgid >/dev/null
        slow=/cgi-bin/culprit-slow.sh
    fi
    # event: also load mod_ssl (no TLS vhost) so its status hook appends its
    # TLSSessionCacheStatus block, as on typical production hosts
    if [ "$mpm" = event ]; then a2enmod -q ssl >/dev/null; else a2dismod -q -f ssl >/dev/null 2>&1 || true; fi
    apache_start
    sleep 3
    get "/server-status?auto" "$mpm-idle-auto.txt" "idle"
    get "/server-status" "$mpm-idle.html" "idle"

    # load: ab against the small page (bounded by -n and timeout) + slow clients
    timeout 90 ab -q -n 60000 -c 50 "http://$TARGET/culprit-small.html" >/dev/null 2>&1 &
    local abpid=$!
    timeout 60 ab -q -n 150 -c 20 "http://$TARGET$slow" >/dev/null 2>&1 &
    local ab2pid=$!
    slow_clients "$slow"
    sleep 2
    get "/server-status?auto" "$mpm-load-auto-1.txt" "under load, first read"
    get "/server-status" "$mpm-load.html" "under load"
    sleep 3
    get "/server-status?auto" "$mpm-load-auto-2.txt" "under load, second read ~3s after first"
    wait "$abpid" || true
    wait "$ab2pid" || true
    wait || true
    get "/server-status?auto" "$mpm-after-load-auto.txt" "after load finished"
}

capture_mpm prefork
capture_mpm worker
capture_mpm event

# --- restarts (event MPM still running) --------------------------------------
log "=== restarts ==="
sleep 2
get "/server-status?auto" "event-before-restart-auto.txt" "before apache2ctl restart"
apache2ctl restart
sleep 1
wait_http
get "/server-status?auto" "event-after-restart-auto.txt" "~1s after apache2ctl restart"
sleep 3
apache2ctl graceful
sleep 1
wait_http
get "/server-status?auto" "event-after-graceful-auto.txt" "~1s after apache2ctl graceful"

apache_stop

write_source "$OUT" apache-status.sh "$(cat <<'TXT'
Files:
- `<mpm>-idle-auto.txt` / `<mpm>-idle.html`: `GET /server-status?auto` and `GET /server-status`
  ~3 s after `apache2ctl start`, no traffic.
- `<mpm>-load-auto-1.txt`, `<mpm>-load.html`, `<mpm>-load-auto-2.txt`: read while
  `ab -n 60000 -c 50` hits a small static page, `ab -n 150 -c 20` hits a slow page
  (prefork: PHP `usleep(1.5s)` via mod_php; worker/event: shell CGI `sleep 1.5` via mod_cgid),
  and clients 127.0.0.21..25 (curl `--interface`) request the slow page.
  auto-2 is ~3 s after auto-1 so the Total Accesses delta gives a request rate.
- `<mpm>-after-load-auto.txt`: after the load finished.
- `event-before-restart-auto.txt`, `event-after-restart-auto.txt`: around `apache2ctl restart`;
  `event-after-graceful-auto.txt`: after `apache2ctl graceful`.
- `times.txt`: for every file, epoch millis when the request was started and when the
  response had been read (use either as "capture time").
MPM config = Debian defaults (mods-available/mpm_*.conf). mod_evasive disabled for this run.
For the event runs mod_ssl is also loaded (no TLS vhost), so its status hook appends
the `TLSSessionCacheStatus` block after the scoreboard.
TXT
)"
log "done: $OUT"
