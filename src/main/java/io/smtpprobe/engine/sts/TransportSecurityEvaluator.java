package io.smtpprobe.engine.sts;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.TransportSecurity;
import io.smtpprobe.core.TransportSecurity.PolicyType;
import io.smtpprobe.core.TransportSecurity.ResultType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges one domain as a sending MTA that implements DANE and MTA-STS would. Per MX host, usable
 * DANE records win over MTA-STS (RFC 8461 §2); the first failure, in MX order, names the RFC 8460
 * result type. A failure under usable DANE or an {@code enforce} policy decides the domain (a
 * sender would not deliver); under {@code testing} it is only reported. A published policy that
 * cannot be used (not fetched, invalid) is reported and enforces nothing, as for a sender.
 * Pure: the facts come from the dialogues, DNS and the policy fetch.
 */
public final class TransportSecurityEvaluator {
    private TransportSecurityEvaluator() {
    }

    private record Failure(String host, ResultType type, Reason reason, String detail) {
    }

    public static TransportSecurity evaluate(DomainResult domain, StsFinding sts, Map<String, DaneOutcome> dane,
                                             TlsMode tlsMode, Instant now) {
        List<String> hosts = hostsInOrder(domain);
        boolean daneApplies = hosts.stream().anyMatch(h -> daneApplies(dane.get(h)));
        List<Failure> failures = new ArrayList<>();
        for (String host : hosts) {
            DaneOutcome d = dane.get(host);
            if (daneApplies(d)) {
                Failure f = daneFailure(host, d, serversOf(domain, host));
                if (f != null) {
                    failures.add(f);
                }
            } else if (sts.policy() != null && sts.policy().checksServers()) {
                Failure f = stsFailure(host, sts.policy(), serversOf(domain, host), tlsMode, now);
                if (f != null) {
                    failures.add(f);
                }
            }
        }
        if (daneApplies) {
            return result(PolicyType.TLSA, "enforce", sts.id(), failures, sts.rua(), true);
        }
        if (sts.policy() != null) {
            return result(PolicyType.STS, sts.policy().mode(), sts.id(), failures, sts.rua(),
                    "enforce".equals(sts.policy().mode()));
        }
        if (sts.failure() != null) {
            return new TransportSecurity(PolicyType.STS, null, sts.id(), sts.failure(), List.of(), sts.rua(), sts.reason(),
                    sts.detail(), false);
        }
        return new TransportSecurity(PolicyType.NO_POLICY_FOUND, null, null, ResultType.SUCCESS, List.of(), sts.rua(),
                null, null, false);
    }

    private static TransportSecurity result(PolicyType type, String mode, String id, List<Failure> failures,
                                            List<String> rua, boolean enforcing) {
        if (failures.isEmpty()) {
            return new TransportSecurity(type, mode, id, ResultType.SUCCESS, List.of(), rua, null, null, false);
        }
        Failure first = failures.get(0);
        Set<String> failing = new LinkedHashSet<>();
        failures.forEach(f -> failing.add(f.host()));
        return new TransportSecurity(type, mode, id, first.type(), List.copyOf(failing), rua, first.reason(),
                first.host() + ": " + first.detail(), enforcing);
    }

    /**
     * DANE has a say for a host whose TLSA lookup found records (valid or bogus). A lookup that could
     * not tell (no DNSSEC-capable resolver, SERVFAIL, timeout) leaves the host to MTA-STS: RFC 7672
     * §2.2 would have a DANE sender defer, but most cluster resolvers strip DNSSEC, and failing every
     * domain behind one would report the probe's resolver, not the domain. The outcome is still shown.
     */
    static boolean daneApplies(DaneOutcome d) {
        return d != null && switch (d.status()) {
            case MATCH, NO_MATCH, DNSSEC_BOGUS -> true;
            // unusable records leave the host to opportunistic TLS (RFC 7672 §2.2), like no records
            case NO_TLSA, TLSA_UNUSABLE, LOOKUP_FAILED -> false;
        };
    }

    private static Failure daneFailure(String host, DaneOutcome d, List<ServerResult> servers) {
        String detail = d.detail() != null ? d.detail() : d.status().name();
        return switch (d.status()) {
            case MATCH -> null;
            case NO_MATCH -> servers.stream().anyMatch(TransportSecurityEvaluator::offeredNoStartTls)
                    ? new Failure(host, ResultType.STARTTLS_NOT_SUPPORTED, Reason.DaneNoMatch,
                            "usable TLSA records but no STARTTLS offered")
                    : new Failure(host, ResultType.TLSA_INVALID, Reason.DaneNoMatch, detail);
            case DNSSEC_BOGUS -> new Failure(host, ResultType.DNSSEC_INVALID, Reason.DaneDnssecBogus, detail);
            case NO_TLSA, TLSA_UNUSABLE, LOOKUP_FAILED -> null;
        };
    }

    private static Failure stsFailure(String host, StsPolicy policy, List<ServerResult> servers, TlsMode tlsMode,
                                      Instant now) {
        if (!policy.matches(host)) {
            return new Failure(host, ResultType.VALIDATION_FAILURE, Reason.MtaStsMxMismatch,
                    "matches none of the policy's mx patterns " + policy.mx());
        }
        if (tlsMode == TlsMode.Disabled) {
            // the probe was told not to use TLS: nothing about the server's TLS is known
            return null;
        }
        for (ServerResult s : servers) {
            Failure f = tlsFailure(host, s, now);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static Failure tlsFailure(String host, ServerResult s, Instant now) {
        TlsInfo tls = s.tls();
        if (tls != null) {
            TlsInfo.Certificate c = tls.certificate();
            if (c != null && (now.isAfter(c.notAfter()) || now.isBefore(c.notBefore()))) {
                return new Failure(host, ResultType.CERTIFICATE_EXPIRED, Reason.MtaStsTlsFailed,
                        "certificate valid from " + c.notBefore() + " to " + c.notAfter());
            }
            if (!tls.trusted()) {
                return new Failure(host, ResultType.CERTIFICATE_NOT_TRUSTED, Reason.MtaStsTlsFailed,
                        tls.verificationError() != null ? tls.verificationError() : "certificate not trusted");
            }
            if (!tls.hostnameMatch()) {
                return new Failure(host, ResultType.CERTIFICATE_HOST_MISMATCH, Reason.MtaStsTlsFailed,
                        "certificate does not name " + host);
            }
            return null;
        }
        if (s.tlsFallback() != null) {
            return new Failure(host, ResultType.VALIDATION_FAILURE, Reason.MtaStsTlsFailed,
                    "TLS handshake failed: " + s.tlsFallback().detail());
        }
        if (offeredNoStartTls(s)) {
            return new Failure(host, ResultType.STARTTLS_NOT_SUPPORTED, Reason.MtaStsTlsFailed, "no STARTTLS offered");
        }
        return null;
    }

    /** The server answered EHLO without STARTTLS; a server never reached tells nothing. */
    private static boolean offeredNoStartTls(ServerResult s) {
        return s.tls() == null && !s.extensions().isEmpty()
                && s.extensions().stream().noneMatch(e -> e.regionMatches(true, 0, "STARTTLS", 0, 8));
    }

    private static List<ServerResult> serversOf(DomainResult domain, String host) {
        return domain.servers().stream().filter(s -> StsPolicy.normalise(s.host()).equals(host)).toList();
    }

    /** The MX hosts in MX order, and any server probed that is not among them. */
    private static List<String> hostsInOrder(DomainResult domain) {
        Set<String> hosts = new LinkedHashSet<>();
        for (MxHost mx : domain.mx()) {
            hosts.add(StsPolicy.normalise(mx.host()));
        }
        for (ServerResult s : domain.servers()) {
            hosts.add(StsPolicy.normalise(s.host()));
        }
        return List.copyOf(hosts);
    }
}
