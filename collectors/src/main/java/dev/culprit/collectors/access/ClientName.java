package dev.culprit.collectors.access;

import com.google.common.net.InetAddresses;
import java.util.Locale;
import java.util.Optional;

/**
 * Who made a request, as {@code %a} or {@code %h} printed it: an IP address (written in its one
 * canonical form, so {@code ::1}, {@code 0:0::1} and {@code ::ffff:127.0.0.1}-style spellings of
 * one client count as one), or, with {@code HostnameLookups On}, a host name, kept as text and
 * marked: a name is what the client's DNS said, not an address.
 */
record ClientName(String text, boolean hostname) {

    /** RFC 1035's limit on a whole name. */
    private static final int MAX_NAME = 253;
    /** Linux's limit on an interface name (IFNAMSIZ less its terminating zero). */
    private static final int MAX_ZONE = 15;

    static Optional<ClientName> parse(String s) {
        // Nearly every client is an IPv4 address already in its canonical form, as Apache prints one:
        // it is kept as it is, with no address parsed and printed again.
        if (isCanonicalIpv4(s)) {
            return Optional.of(new ClientName(s, false));
        }
        int percent = s.indexOf('%');
        if (percent >= 0) {
            return zoned(s.substring(0, percent), s.substring(percent + 1));
        }
        // Guava parses literals only; it never asks DNS, unlike InetAddress.getByName.
        if (InetAddresses.isInetAddress(s)) {
            return Optional.of(new ClientName(InetAddresses.toAddrString(InetAddresses.forString(s)), false));
        }
        return isHostName(s) ? Optional.of(new ClientName(s.toLowerCase(Locale.ROOT), true)) : Optional.empty();
    }

    /**
     * An IPv6 address with its zone ({@code fe80::1%eth0}): the zone names an interface of the host
     * that wrote the log, not of this one, so the address is read without it and the zone kept as
     * written. Guava would look the interface up here, and refuse (throw) where this host has none.
     */
    private static Optional<ClientName> zoned(String address, String zone) {
        if (address.indexOf(':') < 0 || !isZone(zone) || !InetAddresses.isInetAddress(address)) {
            return Optional.empty();
        }
        return Optional.of(new ClientName(InetAddresses.toAddrString(InetAddresses.forString(address)) + "%" + zone, false));
    }

    /** An interface name or index as Linux allows one: up to 15 characters, no spaces or slashes. */
    private static boolean isZone(String zone) {
        if (zone.isEmpty() || zone.length() > MAX_ZONE) {
            return false;
        }
        for (int i = 0; i < zone.length(); i++) {
            char c = zone.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Four dot-separated decimal numbers from 0 to 255 in ASCII digits, none with a leading zero:
     * what {@code InetAddresses.toAddrString} prints for the address, so the text is its canonical form.
     */
    private static boolean isCanonicalIpv4(String s) {
        int pos = 0;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (pos >= s.length() || s.charAt(pos) != '.') {
                    return false;
                }
                pos++;
            }
            int start = pos;
            int value = 0;
            while (pos < s.length() && pos - start < 3 && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                value = value * 10 + (s.charAt(pos) - '0');
                pos++;
            }
            if (pos == start || value > 255 || (pos - start > 1 && s.charAt(start) == '0')) {
                return false;
            }
        }
        return pos == s.length();
    }

    /** Letters, digits, hyphens, underscores (seen in real PTR records) and dots, with at least one letter. */
    private static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME || s.charAt(0) == '.' || s.charAt(0) == '-') {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            letter |= alpha;
            if (!alpha && !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return letter;
    }
}
