#!/usr/bin/env bash
# Capture real Apache access logs in the formats Debian hosts write (combined,
# vhost_combined, common with %b) and one custom format, over IPv4 and IPv6, with
# every status class, HEAD requests, hostile request lines and a huge URL.
# Every request the script makes is recorded with what curl (or the raw socket)
# saw, so tests compare the parsed lines with what really went over the wire.
# Output: collectors/src/test/resources/captured/access/
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
install_packages
command -v nc >/dev/null || {
    [ -n "${CULPRIT_SKIP_APT:-}" ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q netcat-openbsd >/dev/null
}

OUT="$FIXTURES/access"
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.tsv "$OUT"/SOURCE.md
SENT="$OUT/sent.tsv"
printf '# file\tclient\tvhost\tmethod\tpath\tstatus\theader_bytes\tbody_bytes\tstart_ms\tend_ms\n' >"$SENT"

DOCROOT=/var/www/culprit-access
CONF=/etc/apache2/conf-enabled/zz-culprit-access.conf
LOGS=/var/log/apache2
# Apache writes %t in its own local time; a zone with an offset shows the parser reads it.
APACHE_TZ=Europe/Berlin

cleanup() {
    set +e
    rm -f "$CONF"
    rm -rf "$DOCROOT"
    rm -f "$LOGS"/culprit-*-access.log
    restore_baseline_mods
}
trap cleanup EXIT

# --- content and vhosts -------------------------------------------------------
rm -rf "$DOCROOT"
mkdir -p "$DOCROOT/sub" "$DOCROOT/private"
printf '<html><body>culprit access capture</body></html>\n' >"$DOCROOT/index.html"
printf 'in a directory\n' >"$DOCROOT/sub/index.html"
printf 'secret\n' >"$DOCROOT/private/index.html"
printf '<?php\n// a PHP fatal error: mod_php answers 500 (display_errors is Off)\nno_such_function();\n' >"$DOCROOT/fatal.php"
printf '<?php\necho "posted ", strlen(file_get_contents("php://input")), " bytes\\n";\n' >"$DOCROOT/form.php"
rm -f "$LOGS"/culprit-*-access.log

cat >"$CONF" <<EOF
# Added by Culprit scripts/capture/apache-access.sh (removed again when the script ends)
Listen 127.0.0.1:8081
Listen [::1]:8081
Listen 127.0.0.1:8082
Listen [::1]:8082
Listen 127.0.0.1:8083
# Apache's own common format (Debian's apache2.conf redefines "common" with %O).
LogFormat "%h %l %u %t \"%r\" %>s %b" culprit_common
LogFormat "%a %A %{msec}t %>s %B %D %T \"%r\" %v" culprit_custom
<Directory $DOCROOT>
    Require all granted
</Directory>
<Directory $DOCROOT/private>
    Require all denied
</Directory>
<VirtualHost 127.0.0.1:8081 [::1]:8081>
    ServerName combined.culprit.test
    DocumentRoot $DOCROOT
    Redirect /old /index.html
    CustomLog $LOGS/culprit-combined-access.log combined
    CustomLog $LOGS/culprit-custom-access.log culprit_custom
</VirtualHost>
<VirtualHost 127.0.0.1:8082 [::1]:8082>
    ServerName shop.culprit.test
    DocumentRoot $DOCROOT
    CustomLog $LOGS/culprit-vhost-access.log vhost_combined
</VirtualHost>
<VirtualHost 127.0.0.1:8082 [::1]:8082>
    ServerName blog.culprit.test
    DocumentRoot $DOCROOT
    Redirect /old /index.html
    CustomLog $LOGS/culprit-vhost-access.log vhost_combined
</VirtualHost>
<VirtualHost 127.0.0.1:8083>
    ServerName common.culprit.test
    DocumentRoot $DOCROOT
    CustomLog $LOGS/culprit-common-access.log culprit_common
</VirtualHost>
EOF

apache_stop
# mod_evasive (enabled by the Debian package) would block the bursts below.
a2dismod -q -f evasive >/dev/null 2>&1 || true
a2enmod -q php8.2 >/dev/null
(export TZ=$APACHE_TZ; apache_start)

# --- requests -------------------------------------------------------------------
# file names the log a port writes to (the custom log gets the same requests as combined)
file_of() {
    case $1 in
        8081) echo combined-access.txt ;;
        8082) echo vhost-combined-access.txt ;;
        8083) echo common-access.txt ;;
    esac
}

# req PORT VHOST CLIENT METHOD PATH [curl args...]
#   CLIENT is 127.0.0.X (sent from that address) or ::1 (sent to [::1]).
#   VHOST is the ServerName that answers (sent as Host: for name-based vhosts).
req() {
    local port=$1 vhost=$2 client=$3 method=$4 path=$5
    shift 5
    local url via=() how=() t0 t1 out
    if [ "$client" = ::1 ]; then url="http://[::1]:$port$path"; via=(-g); else url="http://127.0.0.1:$port$path"; via=(--interface "$client"); fi
    case $method in
        HEAD) how=(-I) ;;
        GET) how=() ;;
        *) how=(-X "$method") ;;
    esac
    t0=$(now_ms)
    out=$(curl -sS --max-time 10 --path-as-is "${via[@]}" "${how[@]}" -H "Host: $vhost" -o /dev/null \
        -w '%{http_code}\t%{size_header}\t%{size_download}' "$@" "$url")
    t1=$(now_ms)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(file_of "$port")" "$client" "$vhost" "$method" "$path" "$out" "$t0" "$t1" >>"$SENT"
}

# burst PORT VHOST CLIENT N : N keep-alive GETs in one curl (many per second)
burst() {
    local port=$1 vhost=$2 client=$3 n=$4 i urls=() t0 t1 out line
    for i in $(seq 1 "$n"); do urls+=(-o /dev/null "http://127.0.0.1:$port/index.html?n=$i"); done
    t0=$(now_ms)
    out=$(curl -sS --max-time 60 --interface "$client" -H "Host: $vhost" \
        -w '%{http_code}\t%{size_header}\t%{size_download}\n' "${urls[@]}")
    t1=$(now_ms)
    i=0
    while IFS= read -r line; do
        i=$((i + 1))
        printf '%s\t%s\t%s\tGET\t/index.html?n=%s\t%s\t%s\t%s\n' "$(file_of "$port")" "$client" "$vhost" "$i" "$line" "$t0" "$t1" >>"$SENT"
    done <<<"$out"
}

# raw PORT VHOST CLIENT METHOD BYTES : a request written byte for byte (printf escapes),
# for request lines curl will not send. Status and bytes come from the response read back.
raw() {
    local port=$1 vhost=$2 client=$3 method=$4 bytes=$5 t0 t1 resp status
    resp=$(mktemp)
    t0=$(now_ms)
    # shellcheck disable=SC2059
    printf "$bytes" | timeout 10 nc -N -s "$client" 127.0.0.1 "$port" >"$resp" || true
    t1=$(now_ms)
    # an HTTP/0.9 answer is the body alone: no status line to read a status from
    status=$(head -n1 "$resp" | awk '/^HTTP\// {s = $2} END {print (s == "" ? "-" : s)}')
    printf '%s\t%s\t%s\t%s\t-\t%s\t%s\t-\t%s\t%s\n' "$(file_of "$port")" "$client" "$vhost" "$method" "$status" "$(stat -c %s "$resp")" "$t0" "$t1" >>"$SENT"
    rm -f "$resp"
}

log "=== combined (8081, also [::1]) ==="
req 8081 combined.culprit.test 127.0.0.51 GET /
req 8081 combined.culprit.test 127.0.0.51 GET /index.html -e 'http://referer.culprit.test/a "quoted" page' -A 'agent with "quotes" and \ backslash'
req 8081 combined.culprit.test 127.0.0.51 HEAD /index.html
req 8081 combined.culprit.test 127.0.0.51 GET /sub
req 8081 combined.culprit.test 127.0.0.51 GET /old
req 8081 combined.culprit.test 127.0.0.51 GET /missing.html
req 8081 combined.culprit.test 127.0.0.51 GET /private/
req 8081 combined.culprit.test 127.0.0.51 GET /fatal.php
req 8081 combined.culprit.test 127.0.0.51 POST /form.php --data-binary 'name=culprit&msg=hello'
req 8081 combined.culprit.test 127.0.0.52 GET '/search?q=%22quoted%22&x=%1B%5B31m'
req 8081 combined.culprit.test ::1 GET /
req 8081 combined.culprit.test ::1 HEAD /
req 8081 combined.culprit.test ::1 GET /missing-v6.html
req 8081 combined.culprit.test ::1 GET /private/
req 8081 combined.culprit.test ::1 GET /fatal.php -A $'ansi \e[31mred\e[0m agent'
req 8081 combined.culprit.test 127.0.0.53 GET "/$(printf 'a%.0s' $(seq 1 8000))"
req 8081 combined.culprit.test 127.0.0.53 GET "/$(printf 'b%.0s' $(seq 1 9000))"
raw 8081 combined.culprit.test 127.0.0.54 GET 'GET /quote"in-path HTTP/1.1\r\nHost: combined.culprit.test\r\nConnection: close\r\n\r\n'
raw 8081 combined.culprit.test 127.0.0.54 GET 'GET /control\001char HTTP/1.1\r\nHost: combined.culprit.test\r\nConnection: close\r\n\r\n'
raw 8081 combined.culprit.test 127.0.0.54 GET 'GET /escape\033[31mred HTTP/1.1\r\nHost: combined.culprit.test\r\nConnection: close\r\n\r\n'
raw 8081 combined.culprit.test 127.0.0.54 GET 'GET /caf\303\251.html HTTP/1.1\r\nHost: combined.culprit.test\r\nConnection: close\r\n\r\n'
raw 8081 combined.culprit.test 127.0.0.54 GET 'GET /index.html HTTP/1.1\r\nHost: combined.culprit.test\r\nUser-Agent: tab\there "q" bell\007\r\nConnection: close\r\n\r\n'
raw 8081 combined.culprit.test 127.0.0.54 - 'HELLO "there"\r\n\r\n'
raw 8081 combined.culprit.test 127.0.0.54 GET 'GET /http09\r\n'
burst 8081 combined.culprit.test 127.0.0.55 300

log "=== vhost_combined (8082: shop and blog, also [::1]) ==="
req 8082 shop.culprit.test 127.0.0.61 GET /
req 8082 shop.culprit.test 127.0.0.61 HEAD /
req 8082 shop.culprit.test 127.0.0.61 GET /missing.html
req 8082 blog.culprit.test 127.0.0.61 GET /old
req 8082 blog.culprit.test 127.0.0.62 GET /sub
req 8082 blog.culprit.test 127.0.0.62 GET /private/
req 8082 blog.culprit.test 127.0.0.62 GET /fatal.php
req 8082 shop.culprit.test ::1 GET /
req 8082 blog.culprit.test ::1 GET /missing.html
req 8082 blog.culprit.test ::1 HEAD /sub/
raw 8082 shop.culprit.test 127.0.0.63 GET 'GET /quote"in-path HTTP/1.1\r\nHost: shop.culprit.test\r\nConnection: close\r\n\r\n'
burst 8082 blog.culprit.test 127.0.0.64 200
burst 8082 shop.culprit.test 127.0.0.64 100

log "=== common with %b (8083) ==="
req 8083 common.culprit.test 127.0.0.71 GET /
req 8083 common.culprit.test 127.0.0.71 HEAD /
req 8083 common.culprit.test 127.0.0.71 GET /sub
req 8083 common.culprit.test 127.0.0.71 GET /missing.html
req 8083 common.culprit.test 127.0.0.71 GET /private/
req 8083 common.culprit.test 127.0.0.71 GET /fatal.php
raw 8083 common.culprit.test 127.0.0.72 GET 'GET /control\001char HTTP/1.1\r\nHost: common.culprit.test\r\nConnection: close\r\n\r\n'
burst 8083 common.culprit.test 127.0.0.73 150

apache_stop

cp "$LOGS/culprit-combined-access.log" "$OUT/combined-access.txt"
cp "$LOGS/culprit-vhost-access.log" "$OUT/vhost-combined-access.txt"
cp "$LOGS/culprit-common-access.log" "$OUT/common-access.txt"
cp "$LOGS/culprit-custom-access.log" "$OUT/custom-access.txt"
{
    echo "# LogFormat lines from /etc/apache2/apache2.conf, then the two this script adds"
    grep '^LogFormat' /etc/apache2/apache2.conf
    grep '^LogFormat' "$CONF"
} >"$OUT/logformats.txt"

write_source "$OUT" apache-access.sh "$(cat <<TXT
Setup: Debian's apache2 (prefork + mod_php, mod_evasive disabled), started with TZ=$APACHE_TZ so
\`%t\` carries a +0100/+0200 offset. One conf file (\`$CONF\`, removed afterwards) adds:
- port 8081 (127.0.0.1 and [::1]), ServerName combined.culprit.test: \`combined\` →
  \`combined-access.txt\`, and the same requests in \`"%a %A %{msec}t %>s %B %D %T \\"%r\\" %v"\` →
  \`custom-access.txt\`;
- port 8082 (127.0.0.1 and [::1]), two name-based vhosts shop.culprit.test and blog.culprit.test,
  both \`vhost_combined\` into one file → \`vhost-combined-access.txt\`;
- port 8083 (127.0.0.1), common.culprit.test, Apache's own common format with \`%b\`
  (\`"%h %l %u %t \\"%r\\" %>s %b"\`; Debian's apache2.conf redefines \`common\` with \`%O\`) →
  \`common-access.txt\`.
\`logformats.txt\` holds the LogFormat lines exactly as the configuration wrote them.

Requests (curl, one at a time, from loopback source addresses 127.0.0.51–73 via \`--interface\`, and
from ::1): 200, HEAD, 301 (directory without slash), 302 (Redirect), 404, 403 (Require all denied),
500 (PHP fatal error), POST, a referer and user agent with quotes and a backslash, a user agent with
ESC (Apache answers 400), an 8001-character URL (403: the file name is too long) and a
9001-character one (414, logged with the request line cut short). Raw requests written with
\`printf | nc -s\`: a \`"\` in the path, a \\x01 and an ESC in the path, UTF-8 in the path, a user agent
with a tab, quotes and BEL, a request line \`HELLO "there"\`, an HTTP/0.9 line. Then keep-alive
bursts of 300, 200 + 100 and 150 GETs in one curl each (several seconds' worth of one client).

\`sent.tsv\` records every request in the order it was made (the order Apache logged it in, as
requests were never concurrent): the log file, client, answering vhost, method, path sent
(\`-\` for raw requests), the status and header and body byte counts curl reported (raw requests:
the response's status and total length, body \`-\`), and epoch millis before and after.
TXT
)"
log "done: $OUT"
