#!/usr/bin/env python3
"""Writes a synthetic Apache 2.4 error log of mod_evasive denials, for scripts/bench-vs-fail2ban.sh.

The lines have the form Apache 2.4 (prefork) + mod_evasive 1.10 write on Debian 12, as captured in
collectors/src/test/resources/captured/evasive/run1-writable-apache-error.txt:

  [Mon Nov 30 10:00:00.000512 2026] [evasive20:error] [pid 2113:tid 2113] [client 198.18.0.7:40960] client denied by server configuration: /var/www/html/wp-login.php

The same seed gives the same file. Attackers are addresses of 198.18.0.0/15, the range RFC 2544
sets aside for benchmarks. Each attacker sends keep-alive connections of up to 100 requests (a
port and a prefork child per connection) at one page, now and then another; lines come at
random, their time increasing by at least one microsecond a line, over --seconds.

Usage: gen-evasive-denials.py [--lines N] [--attackers N] [--seconds S] [--seed N] OUT
"""
import argparse
import calendar
import random
import sys
import time

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The pages a flood goes for, most often first.
PAGES = ("/var/www/html/wp-login.php", "/var/www/html/xmlrpc.php", "/var/www/html/index.php",
         "/var/www/html/culprit-contact.php", "/var/www/html/search.php")
PAGE_WEIGHTS = (50, 20, 15, 10, 5)
START = calendar.timegm((2026, 11, 30, 10, 0, 0, 0, 0, 0))  # a Monday, in UTC as the captured host


def stamp_of_second(second):
    t = time.gmtime(second)
    # Apache's ap_recent_ctime: "Mon Nov 30 10:00:00" then ".uuuuuu YYYY"
    return "[%s %s %02d %02d:%02d:%02d" % (DAYS[t.tm_wday], MONTHS[t.tm_mon - 1], t.tm_mday,
                                             t.tm_hour, t.tm_min, t.tm_sec), " %d]" % t.tm_year


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--attackers", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("out")
    a = p.parse_args()
    if a.lines < 1 or not 1 <= a.attackers <= 65536 * 2 - 2 or a.seconds <= 0:
        p.error("--lines and --seconds must be positive, --attackers between 1 and 131070")

    rnd = random.Random(a.seed)
    # 198.18.0.1, 198.18.0.2, ...: skipping .0 and .255 of each /24
    clients = []
    for i in range(a.attackers):
        n = i // 254 * 256 + i % 254 + 1
        clients.append("198.%d.%d.%d" % (18 + n // 65536, n // 256 % 256, n % 256))
    children = sorted(rnd.sample(range(1200, 32000), 150))  # prefork children: pid is tid
    favourite = [rnd.choices(PAGES, PAGE_WEIGHTS)[0] for _ in clients]
    # per attacker: the head of its connection's lines, and how many requests that connection has left
    head = [""] * a.attackers
    left = [0] * a.attackers

    mean_gap_us = a.seconds * 1e6 / a.lines
    us = 0
    second = -1
    prefix = suffix = ""
    choice = randrange = rnd.randrange
    random_, expo = rnd.random, rnd.expovariate
    lam = 1.0 / mean_gap_us
    out = []
    with open(a.out, "w", encoding="ascii", newline="\n") as f:
        for _ in range(a.lines):
            us += max(1, int(expo(lam)))
            s, micros = divmod(us, 1_000_000)
            if s != second:
                second = s
                prefix, suffix = stamp_of_second(START + s)
            c = choice(a.attackers)
            if left[c] == 0:
                pid = children[randrange(len(children))]
                page = favourite[c] if random_() < 0.9 else PAGES[randrange(len(PAGES))]
                head[c] = (" [evasive20:error] [pid %d:tid %d] [client %s:%d] "
                           "client denied by server configuration: %s\n") % (
                    pid, pid, clients[c], randrange(32768, 61000), page)
                left[c] = randrange(1, 101)
            left[c] -= 1
            out.append("%s.%06d%s%s" % (prefix, micros, suffix, head[c]))
            if len(out) >= 65536:
                f.write("".join(out))
                out.clear()
        f.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
