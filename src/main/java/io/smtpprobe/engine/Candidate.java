package io.smtpprobe.engine;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.engine.dns.MxResolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A host to try; servers named by the user have no MX preference. */
record Candidate(MxHost host, int port, Integer preference) {

    static CompletionStage<List<Candidate>> resolveServers(MxResolver resolver, ProbeRequest request) {
        List<CompletableFuture<Candidate>> hosts = new ArrayList<>();
        int preference = 0;
        for (HostPort hp : request.servers()) {
            int port = hp.portOr(request.port());
            byte[] literal = Cidr.literalBytes(hp.host());
            CompletableFuture<MxHost> host;
            if (literal != null) {
                host = CompletableFuture.completedFuture(
                        new MxHost(hp.host(), preference, false, List.of(literalAddress(literal)), null));
            } else {
                host = resolver.resolveHost(hp.host(), preference).toCompletableFuture();
            }
            hosts.add(host.thenApply(h -> new Candidate(h, port, null)));
            preference++;
        }
        return CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new))
                .thenApply(v -> hosts.stream().map(CompletableFuture::join).toList());
    }

    static List<Attempt> attempts(List<Candidate> candidates) {
        List<Attempt> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (out.size() >= DefaultProbeRunner.MAX_ATTEMPTS_PER_DOMAIN) {
                break;
            }
            if (c.host.addresses().isEmpty()) {
                out.add(new Attempt(c.host, null, c.port, c.preference));
            }
            for (InetAddress address : c.host.addresses()) {
                if (out.size() < DefaultProbeRunner.MAX_ATTEMPTS_PER_DOMAIN) {
                    out.add(new Attempt(c.host, address, c.port, c.preference));
                }
            }
        }
        return out;
    }

    private static InetAddress literalAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
