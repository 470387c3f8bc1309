package dev.culprit.collectors.evasive;

import com.google.common.net.InetAddresses;
import java.util.Optional;

/**
 * Client addresses as Apache and mod_evasive print them: IPv4 or IPv6 literals, never names.
 * Guava's {@code InetAddresses} decides what an address is (no DNS lookup, no {@code 999.1.1.1},
 * no octal {@code 01.2.3.4}); only the length is capped here, before it looks.
 */
final class IpLiteral {

    /** The longest an address with a zone can honestly be: 45 characters of IPv6 and a short interface name. */
    private static final int MAX_LENGTH = 64;

    private IpLiteral() {}

    static boolean isAddress(String s) {
        return s.length() <= MAX_LENGTH && InetAddresses.isInetAddress(s);
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
        return isPort(port) && isAddress(address) ? Optional.of(address) : Optional.empty();
    }

    /** {@code :} and one to five ASCII digits. */
    private static boolean isPort(String s) {
        if (s.length() < 2 || s.length() > 6 || s.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
