#!/usr/bin/env bash
# Capture real mod_evasive output: Apache error.log denials, syslog
# "Blacklisting address" lines (traditional + RFC 3339), DOSLogDir dos-<IP>
# files, access.log; then a run where DOSLogDir is not writable
# ("Couldn't open logfile ...: Permission denied").
# Output: collectors/src/test/resources/captured/evasive/
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
install_packages

OUT="$FIXTURES/evasive"
mkdir -p "$OUT"
rm -rf "${OUT:?}"/*

DOSDIR=/var/log/apache2/evasive
CONF=culprit-evasive
LEGIT=127.0.0.10
ATT_PAGE1=127.0.0.66   # hammers one page  -> DOSPageCount
ATT_PAGE2=127.0.0.67   # hammers one page  -> DOSPageCount
ATT_SITE=127.0.0.68    # many different URLs -> DOSSiteCount
ERRLOG=/var/log/apache2/error.log
ACCLOG=/var/log/apache2/access.log
SYSLOG=/var/log/syslog
TRAD="$CAPTURE_SYSLOG_DIR/traditional.log"
RFC="$CAPTURE_SYSLOG_DIR/rfc3339.log"
TIMES="$OUT/times.txt"
echo "# event<TAB>epoch_ms" >"$TIMES"
mark() { printf '%s\t%s\n' "$1" "$(now_ms)" >>"$TIMES"; }

cleanup() {
    set +e
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    apache_stop
    a2disconf -q "$CONF" >/dev/null 2>&1
    rm -f "/etc/apache2/conf-available/$CONF.conf"
    rm -f /var/www/html/wp-login.php /var/www/html/culprit-contact.php
    rm -rf "$DOSDIR"
    setfacl -b /var/log/apache2
    rsyslog_stop
    restore_baseline_mods
}
trap cleanup EXIT

# --- setup -----------------------------------------------------------------
restore_baseline_mods            # prefork + php8.2 + evasive (Debian default after install)
cat >"/etc/apache2/conf-available/$CONF.conf" <<CONFEOF
# Culprit capture: low mod_evasive thresholds
<IfModule mod_evasive20.c>
    DOSHashTableSize    3097
    DOSPageCount        5
    DOSSiteCount        50
    DOSPageInterval     1
    DOSSiteInterval     1
    DOSBlockingPeriod   10
    DOSLogDir           "$DOSDIR"
</IfModule>
CONFEOF
a2enconf -q "$CONF" >/dev/null
cat >/var/www/html/wp-login.php <<'PHP'
<?php echo "<html><body>login form</body></html>\n";
PHP
cat >/var/www/html/culprit-contact.php <<'PHP'
<?php echo "<html><body>contact page</body></html>\n";
PHP

rsyslog_start

# legit: one request every 0.5 s for DURATION seconds, alternating pages
legit_trickle() {
    local n=$1 i
    for i in $(seq 1 "$n"); do
        if (( i % 2 )); then p=/; else p=/culprit-contact.php; fi
        curl -s -o /dev/null --max-time 5 --interface "$LEGIT" \
            -A "Mozilla/5.0 (X11; Linux x86_64) culprit-legit" \
            -w "%{http_code}\n" "http://$TARGET$p" >>"/tmp/culprit-legit-codes.txt" || true
        sleep 0.5
    done
}

# attack SRC URLGLOB RATE : sequential keep-alive requests (curl URL globbing),
# paced with curl --rate (e.g. 150/s), bounded by the glob count and a timeout
attack() {
    local src=$1 url=$2 rate=$3
    timeout 90 curl -s -o /dev/null --rate "$rate" --interface "$src" \
        -A "culprit-attacker/$src" "http://$TARGET$url" || true
}

# run_phase NAME PAGE_N SITE_N LEGIT_N RATE
run_phase() {
    local name=$1 pn=$2 sn=$3 ln=$4 rate=$5
    local e0 a0 s0 t0 r0
    e0=$(fsize "$ERRLOG"); a0=$(fsize "$ACCLOG"); s0=$(fsize "$SYSLOG"); t0=$(fsize "$TRAD"); r0=$(fsize "$RFC")
    : >/tmp/culprit-legit-codes.txt
    mark "$name-start"
    legit_trickle "$ln" &
    local lp=$!
    sleep 2
    mark "$name-attack-start"
    attack "$ATT_PAGE1" "/wp-login.php?log=admin&try=[1-$pn]" "$rate" &
    local p1=$!
    attack "$ATT_PAGE2" "/culprit-contact.php?q=[1-$pn]" "$rate" &
    local p2=$!
    attack "$ATT_SITE" "/page-[1-$sn].html" "$rate" &
    local p3=$!
    wait "$p1" "$p2" "$p3" || true
    mark "$name-attack-end"
    if [ "$name" = run1-writable ]; then
        # 2nd wave from one attacker after its block expired; its dos-<IP> file
        # still exists, so no new "Blacklisting" syslog line is expected.
        sleep 12
        mark "$name-wave2-start"
        attack "$ATT_PAGE1" "/wp-login.php?log=admin&wave=2&try=[1-300]" 150/s
        mark "$name-wave2-end"
    fi
    wait "$lp" || true
    mark "$name-end"
    rsyslog_settle
    since "$ERRLOG" "$e0" >"$OUT/$name-apache-error.txt"
    since "$ACCLOG" "$a0" >"$OUT/$name-apache-access.txt"
    since "$SYSLOG" "$s0" >"$OUT/$name-syslog-debian-default.txt"
    since "$TRAD" "$t0" >"$OUT/$name-syslog-traditional.txt"
    since "$RFC" "$r0" >"$OUT/$name-syslog-rfc3339.txt"
    sort /tmp/culprit-legit-codes.txt | uniq -c >"$OUT/$name-legit-http-codes.txt"
    rm -f /tmp/culprit-legit-codes.txt
}

# --- run 1: DOSLogDir writable by www-data (ACL) ------------------------------
log "=== run 1: writable DOSLogDir ==="
rm -rf "$DOSDIR"
mkdir -p "$DOSDIR"
setfacl -m u:www-data:x /var/log/apache2
setfacl -m u:www-data:rwx "$DOSDIR"
apache_start
sleep 2
run_phase run1-writable 1500 1500 70 150/s
{
    echo "\$ stat -c '%n %Y' $DOSDIR/dos-*"
    stat -c '%n %Y' "$DOSDIR"/dos-*
    echo "\$ ls -l --time-style=full-iso $DOSDIR"
    ls -l --time-style=full-iso "$DOSDIR"
    echo "\$ getfacl -p $DOSDIR"
    getfacl -p "$DOSDIR"
} >"$OUT/run1-writable-doslogdir-listing.txt" 2>&1
mkdir -p "$OUT/run1-writable-doslogdir"
cp -p "$DOSDIR"/dos-* "$OUT/run1-writable-doslogdir/"
apache_stop

# --- run 2: Debian default permissions (DOSLogDir not writable) -------------
log "=== run 2: DOSLogDir not writable ==="
setfacl -b /var/log/apache2
rm -rf "$DOSDIR"
mkdir -p "$DOSDIR"            # root:root 0755 inside root:adm 0750 /var/log/apache2
apache_start
sleep 2
run_phase run2-not-writable 300 300 24 60/s
{
    echo "\$ ls -ld --time-style=full-iso /var/log/apache2 $DOSDIR"
    ls -ld --time-style=full-iso /var/log/apache2 "$DOSDIR"
    echo "\$ ls -la $DOSDIR"
    ls -la "$DOSDIR"
} >"$OUT/run2-not-writable-doslogdir-listing.txt" 2>&1
apache_stop

{
    echo "# active mod_evasive settings ($CONF.conf):"
    cat "/etc/apache2/conf-available/$CONF.conf"
    echo "# /etc/apache2/mods-enabled/evasive.conf (Debian, unchanged):"
    cat /etc/apache2/mods-enabled/evasive.conf
} >"$OUT/evasive-config.txt"

write_source "$OUT" evasive.sh "$(cat <<TXT
Setup: prefork + mod_php + mod_evasive (Debian default module set), rsyslogd started by the
script with Debian's /etc/rsyslog.conf plus a drop-in writing every message twice, with
RSYSLOG_TraditionalFileFormat and with RSYSLOG_FileFormat (RFC 3339). Thresholds in
\`evasive-config.txt\` (DOSPageCount 5, DOSSiteCount 50, intervals 1 s, DOSBlockingPeriod 10,
DOSLogDir $DOSDIR). All traffic on loopback to $TARGET:80.

Clients:
- $LEGIT legit: one request every 0.5 s to / and /culprit-contact.php (never blocked; see
  \`*-legit-http-codes.txt\`, which is \`sort | uniq -c\` of the status codes curl saw).
- $ATT_PAGE1: sequential keep-alive requests to /wp-login.php?log=admin&try=N (page count).
- $ATT_PAGE2: sequential keep-alive requests to /culprit-contact.php?q=N (page count).
- $ATT_SITE: /page-N.html, all different URLs (site count).
Run 1 (\`run1-writable-*\`): $DOSDIR writable by www-data via ACL (and /var/log/apache2 +x for
www-data); 1500 requests per attacker at 150/s (curl --rate), then a second wave of 300 requests from $ATT_PAGE1
about 12 s after the first wave ended (its dos-<IP> file still exists, so no second
"Blacklisting" line).
Run 2 (\`run2-not-writable-*\`): no ACL, $DOSDIR is root:root 0755 inside Debian's
root:adm 0750 /var/log/apache2, so the www-data child cannot create dos-<IP>; 300 requests
per attacker at 60/s.

Files per run (named .txt, not .log, because the repo's .gitignore ignores *.log):
\`*-apache-error.txt\`, \`*-apache-access.txt\` (bytes appended to Apache's error.log /
access.log during the run; the first \`GET /\` from 127.0.0.1 is the script's readiness probe),
\`*-syslog-traditional.txt\`, \`*-syslog-rfc3339.txt\` (the two extra rsyslog outputs),
\`*-syslog-debian-default.txt\` (what Debian's /var/log/syslog got, Debian 12's default
format), \`*-doslogdir-listing.txt\` (stat/ls output) and for run 1 copies of the
\`dos-<IP>\` files in \`run1-writable-doslogdir/\`. \`times.txt\`: epoch millis of phase marks.
TXT
)"
log "done: $OUT"
