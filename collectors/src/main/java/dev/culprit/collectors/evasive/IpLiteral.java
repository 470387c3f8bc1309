package dev.culprit.collectors.evasive;

import java.util.Optional;
import java.util.regex.Pattern;

/** Client addresses as Apache and mod_evasive print them: IPv4 or IPv6 literals, never names. */
final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    // Loose on purpose (hex groups with at least two colons, an embedded IPv4 tail, a %zone):
    // it tells an address from garbage; it does not check every IPv6 rule.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(?:%[\\w.-]+)?");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}");

    private IpLiteral() {}

    static boolean isAddress(String s) {
        return s.length() <= 64 && (IPV4.matcher(s).matches() || IPV6.matcher(s).matches());
    }

    /**
     * The address in Apache's {@code [client ...]} field, without the port. Apache 2.4 prints
     * {@code 127.0.0.67:51380}, and for IPv6 {@code ::1:51380} (address and port joined by a
     * plain colon); the bracketed {@code [::1]:51380} is accepted too.
     */
    static Optional<String> withoutPort(String client) {
        String address;
        String port;
        if (client.startsWith("[")) {
            int close = client.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            address = client.substring(1, close);
            port = client.substring(close + 1);
        } else {
            int colon = client.lastIndexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            address = client.substring(0, colon);
            port = client.substring(colon);
        }
        return isAddress(address) && PORT.matcher(port).matches() ? Optional.of(address) : Optional.empty();
    }
}
