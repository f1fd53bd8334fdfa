package io.smtpprobe.core;

import java.net.InetAddress;
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
        return containsBytes(address.getAddress());
    }

    /**
     * Parses an IP literal without touching DNS; returns null for anything else. dnsjava's parser is
     * used because {@code InetAddress.getByName} silently falls back to a system lookup for
     * strings such as {@code 999.1.1.1}.
     */
    public static byte[] literalBytes(String addr) {
        if (addr == null || addr.isEmpty()) {
            return null;
        }
        byte[] bytes = org.xbill.DNS.Address.toByteArray(addr, addr.contains(":") ? org.xbill.DNS.Address.IPv6 : org.xbill.DNS.Address.IPv4);
        return bytes == null ? null : unmapped(bytes);
    }

    /**
     * The IPv4 address an IPv6 address carries in the transition formats (IPv4-compatible,
     * NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16), so that a policy on IPv4 networks
     * cannot be bypassed by spelling the address in IPv6; null for other addresses.
     */
    public static byte[] embeddedIpv4(byte[] v6) {
        if (v6.length != 16) {
            return null;
        }
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= v6[i] == 0;
        }
        boolean nat64 = v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b;
        if (compatible || nat64) {
            // ::/96 holds :: and ::1 too, which are not IPv4 and have rules of their own
            if (compatible && v6[12] == 0 && v6[13] == 0 && v6[14] == 0) {
                return null;
            }
            return Arrays.copyOfRange(v6, 12, 16);
        }
        if (v6[0] == 0x20 && v6[1] == 0x02) {
            return Arrays.copyOfRange(v6, 2, 6);
        }
        return null;
    }

    public boolean containsBytes(byte[] bytes) {
        byte[] plain = unmapped(bytes);
        return plain.length == network.length && Arrays.equals(mask(plain, prefix), network);
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
