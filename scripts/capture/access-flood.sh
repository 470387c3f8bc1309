#!/usr/bin/env bash
# Capture a real Apache access log of a host under two floods, beside the clients a DoS rule
# must spare: a monitor polling 5 times a second and a sync client making 30 requests a second,
# both steady from the start, and a handful of visitors loading a page with its assets.
# 60-120 s: one address floods at 400 requests a second; 200-260 s: ten addresses at 25 a second
# each (a distributed flood, each too slow for mod_evasive's per-child counts); quiet to 330 s.
# No mod_evasive: the access log is the only witness.
# curl's URL ranges ([1-N]) make the requests on one keep-alive connection, and --rate paces them.
# Output: collectors/src/test/resources/captured/access-flood/ (the log gzipped, as logrotate leaves it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
install_packages

OUT="$FIXTURES/access-flood"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/SOURCE.md
DOCROOT=/var/www/culprit-flood
CONF=/etc/apache2/conf-enabled/zz-culprit-flood.conf
LOG=/var/log/apache2/culprit-flood-access.log
PORT=8091

cleanup() {
    set +e
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -f "$CONF" "$LOG"
    rm -rf "$DOCROOT"
    restore_baseline_mods
}
trap cleanup EXIT

rm -rf "$DOCROOT"
mkdir -p "$DOCROOT/assets"
printf '<html><body>shop</body></html>\n' >"$DOCROOT/index.html"
printf 'ok\n' >"$DOCROOT/health"
for i in $(seq 1 12); do printf 'asset %s\n' "$i" >"$DOCROOT/assets/a$i.css"; done
rm -f "$LOG"
cat >"$CONF" <<CONFEOF
# Added by Culprit scripts/capture/access-flood.sh (removed again when the script ends)
Listen 127.0.0.1:$PORT
<VirtualHost 127.0.0.1:$PORT>
    ServerName shop.example
    DocumentRoot $DOCROOT
    CustomLog $LOG combined
    KeepAliveTimeout 5
    MaxKeepAliveRequests 0
</VirtualHost>
<Directory $DOCROOT>
    Require all granted
</Directory>
CONFEOF
apache_stop
apache_start
wait_http "http://127.0.0.1:$PORT/health"
: >"$LOG"
start=$(now_ms)

# steady clients, from the start to 270 s
curl -s --interface 127.0.0.10 --rate 5/s "http://127.0.0.1:$PORT/health?[1-1650]" >/dev/null &
curl -s --interface 127.0.0.11 --rate 30/s "http://127.0.0.1:$PORT/index.html?sync=[1-9900]" >/dev/null &
# visitors: a page and its twelve assets, every few seconds
for v in 20 21 22 23 24; do
    (
        end=$(( $(now_ms) + 330000 ))
        while [ "$(now_ms)" -lt "$end" ]; do
            curl -s --interface "127.0.0.$v" "http://127.0.0.1:$PORT/index.html" \
                "http://127.0.0.1:$PORT/assets/a[1-12].css" >/dev/null || true
            sleep $(( 3 + v % 4 ))
        done
    ) &
done
sleep 60
log "flood from 127.0.0.66"
timeout 60 curl -s --interface 127.0.0.66 --rate 400/s "http://127.0.0.1:$PORT/index.html?q=[1-100000]" >/dev/null || true
sleep 80
log "distributed flood from 127.0.0.100-109"
for d in $(seq 100 109); do
    timeout 60 curl -s --interface "127.0.0.$d" --rate 25/s "http://127.0.0.1:$PORT/index.html?d=[1-100000]" >/dev/null || true &
done
sleep 60
log "floods over; quiet clients go on"
wait
end=$(now_ms)
apache_stop
gzip -9 -c "$LOG" >"$OUT/combined-access.txt.gz"
{
    echo "# Access log under floods (scripts/capture/access-flood.sh)"
    echo
    echo "Captured $(date -u +%FT%TZ) from $start to $end (epoch ms), Apache's combined LogFormat, no mod_evasive."
    echo
    echo "| client | what | when (s after start) |"
    echo "|---|---|---|"
    echo "| 127.0.0.10 | monitor, GET /health at 5/s | 0-330 |"
    echo "| 127.0.0.11 | sync client, GET /index.html at 30/s | 0-330 |"
    echo "| 127.0.0.20-24 | visitors: a page and 12 assets every 3-6 s | 0-330 |"
    echo "| 127.0.0.66 | 400/s on one keep-alive connection | 60-120 |"
    echo "| 127.0.0.100-109 | ten clients at 25/s each | 200-260 |"
    echo
    echo "Lines: $(wc -l <"$LOG")"
    echo
    versions_block
} >"$OUT/SOURCE.md"
log "wrote $OUT"
