package dev.culprit.collectors.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a configuration can get wrong, and what a line can be that Apache's captures do not show. */
class AccessLogFormatTest {

    private static final AccessLogFormat COMBINED = AccessLogFormat.compile(AccessLogFormat.COMBINED);

    @Test
    void anUnknownDirectiveIsNamedWithItsPosition() {
        assertThatThrownBy(() -> AccessLogFormat.compile("%h %l %u %t \\\"%r\\\" %>s %Z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%Z at character 24");
    }

    @Test
    void directivesWithNothingBetweenThemCannotBeSplit() {
        assertThatThrownBy(() -> AccessLogFormat.compile("%h%l %t %>s"))
                .hasMessageContaining("%h and %l at characters 1 and 3");
    }

    @Test
    void aFormatWithoutClientTimeOrStatusSaysWhatIsMissing() {
        assertThatThrownBy(() -> AccessLogFormat.compile("%{Referer}i -> %U")).hasMessageContaining("%h or %a");
        assertThatThrownBy(() -> AccessLogFormat.compile("%h %>s")).hasMessageContaining("%t");
        assertThatThrownBy(() -> AccessLogFormat.compile("%h %t")).hasMessageContaining("%>s or %s");
        assertThatThrownBy(() -> AccessLogFormat.compile("%h %t %>s %{Referer")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> AccessLogFormat.compile("%h %t %>s\\n")).hasMessageContaining("two lines");
    }

    @Test
    void aResolvedClientIsKeptAsItsNameAndMarked() {
        AccessLogLine line = request(COMBINED, "Crawler-7.Example.NET - - [29/Nov/2026:20:40:31 -0500] \"GET / HTTP/1.1\" 200 - \"-\" \"-\"");

        assertThat(line.client()).isEqualTo("crawler-7.example.net");
        assertThat(line.clientIsHostname()).isTrue();
        assertThat(line.bytes()).isZero();
        assertThat(line.ts()).isEqualTo(Instant.parse("2026-11-30T01:40:31Z").toEpochMilli());
    }

    @Test
    void oneClientSpelledTwoWaysIsOneAddress() {
        assertThat(request(COMBINED, "2001:DB8:0:0:0:0:0:7 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"").client())
                .isEqualTo("2001:db8::7");
        assertThat(request(COMBINED, "::ffff:203.0.113.7 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"").client())
                .isEqualTo("203.0.113.7");
    }

    @Test
    void anAddressWithAZoneReadsTheSameOnEveryHost() {
        // no host has an interface of this name: the zone is the logging host's, kept as text
        assertThat(request(COMBINED, "FE80:0::1%culprit-x9 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\"").client())
                .isEqualTo("fe80::1%culprit-x9");
        assertThat(COMBINED.read("127::%.0.0.66 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\""))
                .isEqualTo(new AccessLogFormat.Request(new AccessLogLine("127::%.0.0.66", false, null,
                        java.time.Instant.parse("2026-11-29T20:40:31Z").toEpochMilli(), "GET", "/", 200, 5)));
        assertThat(COMBINED.read("203.0.113.7%eth0 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\""))
                .as("IPv4 has no zones").isInstanceOf(AccessLogFormat.Unreadable.class);
    }

    @Test
    void controlCharactersApacheWouldHaveEscapedAreEscapedHere() {
        AccessLogLine line = request(COMBINED, "203.0.113.7 - - [29/Nov/2026:20:40:31 +0000] \"GET /a\u001b[2Jb HTTP/1.1\" 404 1 \"-\" \"-\"");

        assertThat(line.path()).isEqualTo("/a\\x1b[2Jb");
    }

    @Test
    void aLineOfAnotherFormatIsUnreadableWithTheReason() {
        assertThat(COMBINED.read("203.0.113.7 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5"))
                .isEqualTo(new AccessLogFormat.Unreadable("the value of %O starting at character 67 does not end with ' \"'"));
        assertThat(COMBINED.read("not-an-address! - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\""))
                .isInstanceOf(AccessLogFormat.Unreadable.class)
                .hasToString("Unreadable[reason=client 'not-an-address!' is neither an IP address nor a host name]");
        assertThat(COMBINED.read("203.0.113.7 - - [31/Feb/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"-\""))
                .isInstanceOf(AccessLogFormat.Unreadable.class);
        assertThat(AccessLogFormat.compile("%a %{sec}t %s").read("192.0.2.1 9999999999999999 200"))
                .isEqualTo(new AccessLogFormat.Unreadable("time '9999999999999999' is not a count of sec"));
        assertThat(COMBINED.read("203.0.113.7 - - [29/Nov/2026:20:40:31 +0000] \"GET / HTTP/1.1\" 999 5 \"-\" \"-\""))
                .isEqualTo(new AccessLogFormat.Unreadable("status '999' is not an HTTP status from 100 to 599"));
    }

    @Test
    void aTimedOutConnectionHasNoRequestLineButStillCounts() {
        AccessLogLine line = request(COMBINED, "203.0.113.7 - - [29/Nov/2026:20:40:31 +0000] \"-\" 408 0 \"-\" \"-\"");

        assertThat(line.method()).isNull();
        assertThat(line.path()).isNull();
        assertThat(line.status()).isEqualTo(408);
    }

    @Test
    void methodAndPathMayComeFromTheirOwnDirectives() {
        AccessLogFormat format = AccessLogFormat.compile("%a %{sec}t %m %U%q %s %I %S");

        assertThat(request(format, "192.0.2.1 1764444000 PUT /upload?part=2 201 900 1200"))
                .isEqualTo(new AccessLogLine("192.0.2.1", false, null, 1_764_444_000_000L, "PUT", "/upload?part=2", 201, 0));
    }

    private static AccessLogLine request(AccessLogFormat format, String line) {
        AccessLogFormat.Reading reading = format.read(line);
        assertThat(reading).isInstanceOf(AccessLogFormat.Request.class);
        return ((AccessLogFormat.Request) reading).line();
    }
}
