package dev.culprit.collectors.evasive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpLiteralTest {

    @Test
    void onlyRealAddressesAreAddresses() {
        assertThat(IpLiteral.isAddress("127.0.0.66")).isTrue();
        assertThat(IpLiteral.isAddress("2001:db8::7")).isTrue();
        assertThat(IpLiteral.isAddress("fe80::1%eth0")).isTrue();
        assertThat(IpLiteral.isAddress("::ffff:192.0.2.1")).isTrue();
        // what the old pattern let through
        assertThat(IpLiteral.isAddress("999.1.1.1")).isFalse();
        assertThat(IpLiteral.isAddress("01.2.3.4")).isFalse();
        assertThat(IpLiteral.isAddress("1:2:3:4:5:6:7:8:9")).isFalse();
        assertThat(IpLiteral.isAddress("::g")).isFalse();
        assertThat(IpLiteral.isAddress("www.example.com")).isFalse();
    }

    @Test
    void apacheClientFieldsLoseTheirPort() {
        assertThat(IpLiteral.withoutPort("127.0.0.67:51380")).contains("127.0.0.67");
        assertThat(IpLiteral.withoutPort("::1:51380")).contains("::1");
        assertThat(IpLiteral.withoutPort("[2001:db8::7]:443")).contains("2001:db8::7");
        assertThat(IpLiteral.withoutPort("999.1.1.1:80")).isEmpty();
        assertThat(IpLiteral.withoutPort("127.0.0.67")).isEmpty();
    }
}
