#!/usr/bin/env bash
# Capture real PHP mail() logging (mail.log file and mail.log = syslog) with
# mod_php under Apache and php-cli. sendmail_path points to a fake sendmail
# that only appends the message to a local file: no mail leaves the machine.
# Output: collectors/src/test/resources/captured/phpmail/
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
install_packages

OUT="$FIXTURES/phpmail"
mkdir -p "$OUT"
rm -rf "${OUT:?}"/*

PHPVER=8.2
INI_NAME=99-culprit-capture-mail.ini
FAKE_SENDMAIL=/usr/local/bin/culprit-fake-sendmail
SPOOL=/var/spool/culprit-fakemail
MBOX=$SPOOL/sent.mbox
MAILLOG_DIR=/var/log/php
MAILLOG=$MAILLOG_DIR/mail.log
DOCROOT=/var/www/html
BULK_REL=wp-content/uploads/2024/05/x.php
EVAL_REL=wp-content/plugins/hello-dolly/cache.php
HDR_REL=newsletter/header-test.php
LEGIT=127.0.0.10
BULK_A=127.0.0.77
BULK_B=127.0.0.78
ERRLOG=/var/log/apache2/error.log
ACCLOG=/var/log/apache2/access.log
SYSLOG=/var/log/syslog
USERLOG=/var/log/user.log
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
    rm -f "/etc/php/$PHPVER/apache2/conf.d/$INI_NAME" "/etc/php/$PHPVER/cli/conf.d/$INI_NAME"
    rm -f "$DOCROOT/contact.php" "$DOCROOT/$BULK_REL" "$DOCROOT/$EVAL_REL" "$DOCROOT/$HDR_REL"
    rm -rf "$DOCROOT/wp-content" "$DOCROOT/newsletter"
    rm -f "$FAKE_SENDMAIL"
    rm -rf "$SPOOL" "$MAILLOG_DIR"
    rsyslog_stop
    restore_baseline_mods
}
trap cleanup EXIT

# --- fake sendmail -------------------------------------------------------------
mkdir -p "$SPOOL"
chown www-data:www-data "$SPOOL"
cat >"$FAKE_SENDMAIL" <<'SH'
#!/bin/sh
# Culprit capture: stand-in for sendmail. Appends the message to a file, sends nothing.
SPOOL=/var/spool/culprit-fakemail
msg=$(cat)
(
    flock 9
    printf 'From culprit-fake-sendmail %s uid=%s args=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$(id -un)" "$*"
    printf '%s\n\n' "$msg"
) 9>>"$SPOOL/sent.mbox" >>"$SPOOL/sent.mbox"
exit 0
SH
chmod 755 "$FAKE_SENDMAIL"

write_ini() { # write_ini MAILLOG_VALUE
    local f
    for f in "/etc/php/$PHPVER/apache2/conf.d/$INI_NAME" "/etc/php/$PHPVER/cli/conf.d/$INI_NAME"; do
        cat >"$f" <<INI
; Culprit capture (removed again when scripts/capture/php-mail.sh ends)
mail.log = $1
mail.add_x_header = On
sendmail_path = "$FAKE_SENDMAIL -t -i"
INI
    done
}

# --- PHP pages -------------------------------------------------------------------
cat >"$DOCROOT/contact.php" <<'PHP'
<?php
// Minimal contact form handler, one mail per request.
$name  = $_POST['name']  ?? 'anonymous';
$email = $_POST['email'] ?? 'nobody@example.org';
$msg   = $_POST['message'] ?? '';
$ok = mail('info@example.com', 'Contact form: message from ' . $name,
    "Name: $name\nEmail: $email\n\n$msg\n",
    "From: webform@example.com\r\nReply-To: $email");
echo $ok ? "Thanks, your message was sent.\n" : "Sorry, sending failed.\n";
PHP

mkdir -p "$(dirname "$DOCROOT/$BULK_REL")"
cat >"$DOCROOT/$BULK_REL" <<'PHP'
<?php
// Typical dropped bulk mailer: ?n=<count>&off=<offset>, sends one mail per
// loop iteration with To lists, Cc and Bcc headers and rotating subjects.
@set_time_limit(120);
$n   = max(1, min(100, (int)($_GET['n'] ?? 50)));
$off = (int)($_GET['off'] ?? 0);
$domains  = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'example.co.uk'];
$subjects = ['Your account has been suspended', 'Invoice #44871 overdue - action required',
             'You have (1) new voicemail'];
$sent = 0;
for ($i = $off; $i < $off + $n; $i++) {
    $d = fn($k) => $domains[$k % count($domains)];
    $to  = "user$i@" . $d($i) . ", info" . ($i + 1) . "@" . $d($i + 1);
    $cc  = "sales$i@" . $d($i + 2);
    $bcc = "a$i@" . $d($i + 3) . ", b$i@" . $d($i + 4) . ", c$i@" . $d($i);
    $subject = $subjects[$i % count($subjects)];
    $body = "Dear customer,\n\nplease verify your account at http://verify.example.invalid/$i\n";
    if ($i % 4 === 3) {
        // array form of additional_headers (PHP >= 7.2)
        $headers = ['From' => 'Support <support@example.org>', 'Cc' => $cc, 'Bcc' => $bcc,
                    'X-Mailer' => 'PHP/' . phpversion()];
    } else {
        $headers = "From: Support <support@example.org>\r\nCc: $cc\r\nBcc: $bcc\r\nX-Mailer: PHP/" . phpversion();
    }
    if (mail($to, $subject, $body, $headers)) $sent++;
    usleep(40000);
}
echo "sent $sent\n";
PHP

mkdir -p "$(dirname "$DOCROOT/$EVAL_REL")"
cat >"$DOCROOT/$EVAL_REL" <<'PHP'
<?php
// mail() called from eval()'d code, plain and base64-obfuscated
eval('mail("victim1@example.net", "eval test", "sent from eval", "From: eval@example.org");');
eval(base64_decode('bWFpbCgidmljdGltMkBleGFtcGxlLmNvbSIsICJPYmZ1c2NhdGVkIiwgImhpIiwgIkZyb206IG9iZkBleGFtcGxlLm9yZyIpOw=='));
echo "ok\n";
PHP

mkdir -p "$(dirname "$DOCROOT/$HDR_REL")"
cat >"$DOCROOT/$HDR_REL" <<'PHP'
<?php
// Headers / subject / recipient containing newlines.
// 1) additional_headers string with a bare "\n" injected Bcc header
$r1 = mail('list@example.com', 'Newsletter', 'body',
    "From: news@example.org\nBcc: injected1@example.net, injected2@example.com");
// 2) subject containing CRLF + injected header
$r2 = mail('list@example.com', "Hello\r\nBcc: injected3@example.net", 'body', 'From: news@example.org');
// 3) To containing a newline + injected header
$r3 = mail("list@example.com\nBcc: injected4@example.net", 'To with newline', 'body', 'From: news@example.org');
// 4) folded (continuation-line) header
$r4 = mail('list@example.com', 'Folded header', 'body',
    "From: news@example.org\r\nX-Long: first part\r\n second part");
// 5) array headers with a newline inside a value (PHP validates these)
try {
    $r5 = mail('list@example.com', 'Array header with newline', 'body',
        ['From' => "news@example.org\r\nBcc: injected5@example.net"]);
} catch (\Throwable $e) {
    $r5 = get_class($e) . ': ' . $e->getMessage();
}
var_export([$r1, $r2, $r3, $r4, $r5]);
echo "\n";
PHP
chmod -R a+rX "$DOCROOT"

# --- helpers -------------------------------------------------------------------
http() { # http SRC PATH [curl args...]
    local src=$1 path=$2; shift 2
    curl -sS --max-time 60 --interface "$src" "$@" "http://$TARGET$path"
}

contact_posts() { # contact_posts COUNT
    local i
    for i in $(seq 1 "$1"); do
        http "$LEGIT" /contact.php -A 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' \
            -e "http://localhost/contact.html" \
            --data-urlencode "name=Alice $i" --data-urlencode "email=alice$i@example.net" \
            --data-urlencode "message=Hello, this is message $i."
        sleep 1
    done
}

cli_mails() {
    php -r 'mail("admin@example.com", "CLI test", "sent by php -r", "From: root@example.org");'
    mkdir -p /var/www/cron
    cat >/var/www/cron/report.php <<'PHP'
<?php
mail('reports@example.com', 'Nightly report', "all good\n", 'From: cron@example.org');
PHP
    php /var/www/cron/report.php
    php -r 'eval("mail(\"admin@example.com\", \"CLI eval\", \"x\");");'
    rm -rf /var/www/cron
}

# run_scenarios PREFIX BULK_REQS_PER_CLIENT BULK_N
run_scenarios() {
    local pfx=$1 reqs=$2 n=$3 i
    mark "$pfx-contact-start"; contact_posts 2 >/dev/null; mark "$pfx-contact-end"

    mark "$pfx-bulk-start"
    for i in $(seq 0 $((reqs - 1))); do
        http "$BULK_A" "/$BULK_REL?n=$n&off=$((i * 2 * n))" -A 'Mozilla/5.0 (compatible; bulk)' >/dev/null &
        http "$BULK_B" "/$BULK_REL?n=$n&off=$((i * 2 * n + n))" -A 'python-requests/2.31.0' >/dev/null &
        if [ "$i" -eq 0 ]; then
            sleep 1
            local t0
            t0=$(now_ms)
            curl -sS --max-time 10 -o "$OUT/$pfx-bulk-server-status.html" "http://$TARGET/server-status"
            curl -sS --max-time 10 -o "$OUT/$pfx-bulk-server-status-auto.txt" "http://$TARGET/server-status?auto"
            printf '%s\t%s\n' "$pfx-bulk-server-status.html+auto.txt-requested" "$t0" >>"$TIMES"
        fi
        wait
    done
    mark "$pfx-bulk-end"

    mark "$pfx-eval-start"; http "$LEGIT" "/$EVAL_REL" -A 'curl-eval' >/dev/null; mark "$pfx-eval-end"
    mark "$pfx-header-start"; http "$LEGIT" "/$HDR_REL" -A 'curl-header' >"$OUT/$pfx-header-test-response.txt"; mark "$pfx-header-end"
    mark "$pfx-cli-start"; cli_mails; mark "$pfx-cli-end"
}

# --- prepare Apache (prefork + mod_php; mod_evasive off so it cannot interfere) ---
restore_baseline_mods
a2dismod -q -f evasive >/dev/null
rsyslog_start
rm -f "$MBOX"

# --- phase 0: mail.log set but not writable by www-data --------------------------
log "=== phase 0: mail.log not writable ==="
rm -rf "$MAILLOG_DIR"; mkdir -p "$MAILLOG_DIR"          # root:root 0755
write_ini "$MAILLOG"
e0=$(fsize "$ERRLOG"); a0=$(fsize "$ACCLOG")
apache_start
mark "unwritable-contact-start"; contact_posts 1 >"$OUT/unwritable-contact-response.txt"; mark "unwritable-contact-end"
apache_stop
since "$ERRLOG" "$e0" >"$OUT/unwritable-apache-error.txt"
since "$ACCLOG" "$a0" >"$OUT/unwritable-apache-access.txt"
ls -la "$MAILLOG_DIR" >"$OUT/unwritable-maillog-dir-listing.txt"
rm -f "$MBOX"

# --- phase 1: mail.log = file ----------------------------------------------------
log "=== phase 1: mail.log = $MAILLOG ==="
chown www-data:www-data "$MAILLOG_DIR"; chmod 0750 "$MAILLOG_DIR"
write_ini "$MAILLOG"
e0=$(fsize "$ERRLOG"); a0=$(fsize "$ACCLOG")
apache_start
run_scenarios file 2 50
apache_stop
cp "$MAILLOG" "$OUT/file-mail-log.txt"
ls -la --time-style=full-iso "$MAILLOG_DIR" >"$OUT/file-maillog-dir-listing.txt"
since "$ERRLOG" "$e0" >"$OUT/file-apache-error.txt"
since "$ACCLOG" "$a0" >"$OUT/file-apache-access.txt"
cat "$MBOX" >"$OUT/file-sent-messages.mbox"; rm -f "$MBOX"

# --- phase 2: mail.log = syslog --------------------------------------------------
log "=== phase 2: mail.log = syslog ==="
write_ini syslog
e0=$(fsize "$ERRLOG"); a0=$(fsize "$ACCLOG"); s0=$(fsize "$SYSLOG"); u0=$(fsize "$USERLOG")
t0=$(fsize "$TRAD"); r0=$(fsize "$RFC")
apache_start
run_scenarios syslog 1 10
apache_stop
rsyslog_settle
since "$ERRLOG" "$e0" >"$OUT/syslog-apache-error.txt"
since "$ACCLOG" "$a0" >"$OUT/syslog-apache-access.txt"
since "$SYSLOG" "$s0" >"$OUT/syslog-syslog-debian-default.txt"
since "$USERLOG" "$u0" >"$OUT/syslog-user-log-debian-default.txt"
since "$TRAD" "$t0" >"$OUT/syslog-syslog-traditional.txt"
since "$RFC" "$r0" >"$OUT/syslog-syslog-rfc3339.txt"
cat "$MBOX" >"$OUT/syslog-sent-messages.mbox"; rm -f "$MBOX"

cat "/etc/php/$PHPVER/apache2/conf.d/$INI_NAME" >"$OUT/php-ini-syslog-mode.txt"

write_source "$OUT" php-mail.sh "$(cat <<TXT
Setup: Apache prefork + mod_php $PHPVER (mod_evasive disabled), php-cli, rsyslogd started by the
script (Debian's /etc/rsyslog.conf + a drop-in writing everything also in
RSYSLOG_TraditionalFileFormat and RSYSLOG_FileFormat). PHP settings in
/etc/php/$PHPVER/{apache2,cli}/conf.d/$INI_NAME: \`mail.log = $MAILLOG\` (phase 1) or
\`mail.log = syslog\` (phase 2), \`mail.add_x_header = On\`,
\`sendmail_path = "$FAKE_SENDMAIL -t -i"\` (a shell script that appends each message,
prefixed by a \`From culprit-fake-sendmail <time> uid=<user> args=<args>\` line, to a file;
nothing is sent).

Scenarios (both phases): (a) /contact.php, 2 POSTs from $LEGIT (one mail each);
(b) bulk mailer /$BULK_REL?n=N&off=M requested concurrently from $BULK_A and $BULK_B
(phase 1: 2 rounds x 2 clients x 50 mails = 200 mails; phase 2: 1 round x 2 x 10), To lists,
Cc, Bcc, 3 rotating subjects, every 4th mail with array headers; server-status (HTML and
?auto) read ~1 s into the first round; (c) CLI: \`php -r\`, \`php /var/www/cron/report.php\`,
\`php -r 'eval(...)'\`; (d) /$EVAL_REL: mail() from eval() and eval(base64_decode());
(e) /$HDR_REL: newline in additional_headers string, in subject, in To, a folded header, and
array headers with CRLF in a value (response body in \`*-header-test-response.txt\`).
Phase 0 (\`unwritable-*\`): mail.log configured but $MAILLOG_DIR is root:root 0755, one contact POST.

Files (named .txt, not .log, because the repo's .gitignore ignores *.log):
\`file-mail-log.txt\` (the mail.log file of phase 1),
\`syslog-syslog-{traditional,rfc3339,debian-default}.txt\` and
\`syslog-user-log-debian-default.txt\` (rsyslog's two extra outputs and Debian's /var/log/syslog
and /var/log/user.log during phase 2), \`*-apache-access.txt\` / \`*-apache-error.txt\` (bytes
appended to Apache's access.log / error.log during the phase; the first \`GET /\` from
127.0.0.1 is the script's readiness probe), \`*-bulk-server-status.html\` /
\`*-bulk-server-status-auto.txt\`, \`*-sent-messages.mbox\` (what the fake sendmail received,
with X-PHP-Originating-Script), \`times.txt\` (epoch millis of phase marks),
\`php-ini-syslog-mode.txt\`, \`*-maillog-dir-listing.txt\`.
TXT
)"
log "done: $OUT"
