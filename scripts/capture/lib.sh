# Shared helpers for the capture scripts. Sourced, not executed.
# shellcheck shell=bash

CAPTURE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$CAPTURE_DIR/../.." && pwd)"
FIXTURES="$REPO_ROOT/collectors/src/test/resources/captured"

# Only loopback is ever used as a target or source.
TARGET=127.0.0.1

RSYSLOG_DROPIN=/etc/rsyslog.d/zz-culprit-capture.conf
RSYSLOG_PIDFILE=/run/culprit-capture-rsyslogd.pid
CAPTURE_SYSLOG_DIR=/var/log/culprit-capture

log() { printf '[capture %s] %s\n' "$(date +%T)" "$*" >&2; }

require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "must run as root" >&2
        exit 1
    fi
}

install_packages() {
    if [ -z "${CULPRIT_SKIP_APT:-}" ]; then
        log "apt-get update + install"
        apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
            apache2 apache2-utils libapache2-mod-evasive libapache2-mod-php php-cli rsyslog curl acl \
            >/dev/null
    fi
}

now_ms() { date +%s%3N; }

# Byte size of a file (0 if missing); used to cut out "the part written since".
fsize() { if [ -f "$1" ]; then stat -c %s "$1"; else echo 0; fi; }

# since FILE OFFSET -> prints bytes of FILE after OFFSET
since() { if [ -f "$1" ]; then tail -c +"$(( $2 + 1 ))" "$1"; fi; }

apache_running() {
    local pid
    pid=$(cat /var/run/apache2/apache2.pid 2>/dev/null) || return 1
    kill -0 "$pid" 2>/dev/null
}

apache_stop() {
    if apache_running; then
        log "apache2ctl stop"
        apache2ctl stop || true
        for _ in $(seq 1 50); do apache_running || break; sleep 0.2; done
    fi
    # wait for port 80 to be free
    for _ in $(seq 1 50); do
        ss -ltn 'sport = :80' | grep -q LISTEN || break
        sleep 0.2
    done
}

apache_start() {
    log "apache2ctl start"
    apache2ctl start
    wait_http
}

wait_http() {
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null --max-time 2 "http://$TARGET/"; then return 0; fi
        sleep 0.1
    done
    echo "apache did not come up" >&2
    return 1
}

# Switch MPM: set_mpm prefork|worker|event. php8.2 is only kept with prefork.
set_mpm() {
    local mpm=$1 m
    apache_stop
    for m in mpm_prefork mpm_worker mpm_event; do
        if [ "$m" != "mpm_$mpm" ]; then a2dismod -q -f "$m" >/dev/null 2>&1 || true; fi
    done
    if [ "$mpm" != prefork ]; then a2dismod -q -f php8.2 >/dev/null 2>&1 || true; fi
    a2enmod -q "mpm_$mpm" >/dev/null
}

# Start a private rsyslogd using Debian's /etc/rsyslog.conf plus a drop-in
# that also writes everything to two files in explicit formats:
#   $CAPTURE_SYSLOG_DIR/traditional.log  (RSYSLOG_TraditionalFileFormat)
#   $CAPTURE_SYSLOG_DIR/rfc3339.log      (RSYSLOG_FileFormat)
rsyslog_start() {
    rsyslog_stop
    mkdir -p "$CAPTURE_SYSLOG_DIR"
    cat >"$RSYSLOG_DROPIN" <<EOF
# Added by Culprit scripts/capture (removed again when the script ends)
*.*;auth,authpriv.none  action(type="omfile" file="$CAPTURE_SYSLOG_DIR/traditional.log" template="RSYSLOG_TraditionalFileFormat")
*.*;auth,authpriv.none  action(type="omfile" file="$CAPTURE_SYSLOG_DIR/rfc3339.log" template="RSYSLOG_FileFormat")
EOF
    if pgrep -x rsyslogd >/dev/null; then
        echo "another rsyslogd is already running; refusing to start a second one" >&2
        return 1
    fi
    log "starting rsyslogd"
    rsyslogd -i "$RSYSLOG_PIDFILE"
    for _ in $(seq 1 50); do [ -S /dev/log ] && break; sleep 0.1; done
    [ -S /dev/log ] || { echo "rsyslogd did not create /dev/log" >&2; return 1; }
}

rsyslog_stop() {
    if [ -f "$RSYSLOG_PIDFILE" ]; then
        local pid
        pid=$(cat "$RSYSLOG_PIDFILE")
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping rsyslogd $pid"
            kill "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$RSYSLOG_PIDFILE"
        rm -rf "$CAPTURE_SYSLOG_DIR"
    fi
    rm -f "$RSYSLOG_DROPIN"
}

# Flush rsyslog's asynchronous ("-") file writes: give it a moment.
rsyslog_settle() { sleep 2; }

versions_block() {
    echo '```'
    echo '$ apache2 -v'
    apache2 -v
    echo '$ php -v'
    php -v
    echo '$ dpkg-query -W apache2 libapache2-mod-evasive libapache2-mod-php8.2 php8.2-cli rsyslog curl'
    dpkg-query -W apache2 libapache2-mod-evasive libapache2-mod-php8.2 php8.2-cli rsyslog curl
    echo '$ cat /etc/debian_version'
    cat /etc/debian_version
    echo '$ uname -r'
    uname -r
    echo '```'
}

# write_source DIR SCRIPT "free text"
write_source() {
    local dir=$1 script=$2 text=$3
    {
        echo "# Captured fixtures: $(basename "$dir")"
        echo
        echo "Produced by \`scripts/capture/$script\` (run as root on Debian $(cat /etc/debian_version))"
        echo "on $(date -u +%Y-%m-%dT%H:%M:%SZ) (host TZ: $(date +%Z))."
        echo "Everything in this folder is genuine program output copied verbatim;"
        echo "do not edit it by hand. Re-run the script to regenerate."
        echo
        echo "$text"
        echo
        echo "## Program versions"
        echo
        versions_block
    } >"$dir/SOURCE.md"
}

# Put the module set back to what the Debian packages enable after install:
# prefork + php8.2 + evasive, no cgid. Leaves Apache stopped.
restore_baseline_mods() {
    apache_stop
    a2dismod -q -f mpm_worker mpm_event cgid ssl socache_shmcb >/dev/null 2>&1 || true
    a2enmod -q mpm_prefork php8.2 evasive >/dev/null 2>&1 || true
}
