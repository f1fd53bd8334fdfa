package io.smtpprobe.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address block; IPv4-mapped IPv6 addresses are matched as the IPv4 address they carry. */
public record Cidr(byte[] network, int prefix, String text) {

    public static Cidr parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literalBytes(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("not a CIDR block: '" + cidr + "'");
        }
        int max = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR block: '" + cidr + "'");
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("CIDR prefix out of range: '" + cidr + "'");
        }
        return new Cidr(mask(bytes, prefix), prefix, s);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address.getAddress());
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefix), network);
    }

    /** Parses an IP literal without touching DNS; returns null for anything else. */
    static byte[] literalBytes(String addr) {
        if (addr.isEmpty() || !(addr.contains(":") || addr.matches("[0-9.]+"))) {
            return null;
        }
        if (addr.contains(":") && !addr.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        if (!addr.contains(":") && !addr.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
            return null;
        }
        try {
            // Only literals reach here (checked above), so this never performs a lookup.
            return unmapped(InetAddress.getByName(addr).getAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] unmapped(byte[] bytes) {
        if (bytes.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
            if (mapped) {
                return Arrays.copyOfRange(bytes, 12, 16);
            }
        }
        return bytes;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }
}
