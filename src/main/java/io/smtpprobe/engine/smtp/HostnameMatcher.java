package io.smtpprobe.engine.smtp;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * RFC 6125 name check of a server certificate against the MX host name: DNS SANs with a
 * wildcard only as the whole left-most label; the subject CN only when there is no DNS SAN.
 */
final class HostnameMatcher {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostnameMatcher() {
    }

    static boolean matches(X509Certificate certificate, String host) {
        String name = normalise(host);
        List<String> dnsNames = new ArrayList<>();
        for (List<?> san : subjectAltNames(certificate)) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (type == SAN_DNS) {
                dnsNames.add(value);
            } else if (type == SAN_IP && value.equalsIgnoreCase(name)) {
                return true;
            }
        }
        if (dnsNames.isEmpty()) {
            String cn = commonName(certificate);
            return cn != null && matchesPattern(normalise(cn), name);
        }
        return dnsNames.stream().anyMatch(pattern -> matchesPattern(normalise(pattern), name));
    }

    /** "DNS:mx.example.test", "IP:192.0.2.1": for display in {@link TlsInfo}. */
    static List<String> describeSubjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> san : subjectAltNames(certificate)) {
            int type = (Integer) san.get(0);
            if (type == SAN_DNS) {
                names.add("DNS:" + san.get(1));
            } else if (type == SAN_IP) {
                names.add("IP:" + san.get(1));
            }
        }
        return names;
    }

    private static boolean matchesPattern(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && pattern.substring(1).equals(host.substring(dot)) && pattern.indexOf('.', 2) > 0;
        }
        return pattern.equals(host);
    }

    private static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static List<List<?>> subjectAltNames(X509Certificate certificate) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : new ArrayList<>(names);
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
