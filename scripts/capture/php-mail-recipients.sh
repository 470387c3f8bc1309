#!/usr/bin/env bash
# Capture what PHP 8.x's mail.log says for mail() calls that try to hide recipients: group
# syntax, a header value holding " -- Subject: ", folded and encoded headers, header names in
# any case. php-cli only; sendmail_path is a stand-in that keeps each message in a file, so the
# recipients an MTA reading the message with -t would deliver to can be checked against the log.
# Output: collectors/src/test/resources/captured/phpmail-recipients/
#   mail-log.txt    the lines PHP wrote, one per call, in the order below
#   sent.mbox       the messages sendmail_path received
#   EXPECTED.txt    per call: how many distinct recipients an MTA would deliver to, and why
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_root
command -v php >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq php-cli >/dev/null; }

OUT="$FIXTURES/phpmail-recipients"
mkdir -p "$OUT"
rm -f "$OUT"/mail-log.txt "$OUT"/sent.mbox
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/sendmail" <<SH
#!/bin/sh
# stand-in for sendmail: appends the message, sends nothing
{ echo "From culprit-capture \$*"; cat; echo; } >>"$OUT/sent.mbox"
SH
chmod 755 "$WORK/sendmail"

run_php() {
    php -n -d "mail.log=$OUT/mail-log.txt" -d "sendmail_path=$WORK/sendmail -t -i" -r "$1"
}

# 1. group syntax in Bcc: 3 hidden recipients + To
run_php 'mail("a@example.com", "Group", "body", "From: news@shop.example\r\nBcc: undisclosed-recipients: b1@example.net, b2@example.net, b3@example.net;");'
# 2. a header value that holds " -- Subject: " before the real Bcc
run_php 'mail("a@example.com", "Fake subject split", "body", "X-Note: see -- Subject: nothing here\r\nBcc: c1@example.org, c2@example.org");'
# 3. a folded Bcc header (continuation lines start with white space)
run_php 'mail("a@example.com", "Folded", "body", "Bcc: d1@example.org,\r\n d2@example.org,\r\n\td3@example.org");'
# 4. encoded display names and header names in odd case
run_php 'mail("=?UTF-8?B?w4RydGU=?= <a@example.com>", "Encoded", "body", "cC: =?UTF-8?Q?J=C3=BCrgen?= <e1@example.org>\r\nbCC: e2@example.org\r\nReply-To: reply@shop.example");'
# 5. a group named like a header, in To headers, with the group closed by ";"
run_php 'mail("a@example.com", "Group named From", "body", "To: From: f1@example.org, f2@example.org;\r\nSubject-Line: x");'

cat >"$OUT/EXPECTED.txt" <<'TXT'
# call<TAB>distinct recipients an MTA delivers to<TAB>how they were counted (RFC 5322 address lists; sendmail -t reads To, Cc, Bcc)
1	4	a@example.com + the group "undisclosed-recipients:" of b1, b2, b3
2	3	a@example.com + c1, c2: " -- Subject: " in X-Note is header text, the Bcc after it is real
3	4	a@example.com + d1, d2, d3 on the folded continuation lines
4	3	a@example.com (To argument) + e1 (cC) + e2 (bCC); Reply-To is not a recipient
5	3	a@example.com + the group "From:" of f1, f2 inside a To header
TXT
echo "captured $(wc -l <"$OUT/mail-log.txt") mail.log line(s) into $OUT"
