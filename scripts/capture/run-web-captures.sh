#!/usr/bin/env bash
# Run the Apache status, mod_evasive and PHP mail() capture scripts in turn (as root, Debian 12). See README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/apache-status.sh"
CULPRIT_SKIP_APT=1 bash "$here/evasive.sh"
CULPRIT_SKIP_APT=1 bash "$here/php-mail.sh"
