package io.smtpprobe.operator.discovery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One SmtpProbe per domain that an external-dns {@code DNSEndpoint} publishes MX records for. The
 * probe looks the MX up through the operator's resolver, as a sending MTA would, so it tests what was
 * published rather than the targets as written. {@code smtpprobe.io/probe: "false"} opts a DNSEndpoint
 * out; {@code smtpprobe.io/recipient} and {@code smtpprobe.io/interval} apply as on a Service.
 */
final class DnsEndpointProbes {
    static final String GROUP = "externaldns.k8s.io";
    static final String API_VERSION = GROUP + "/v1alpha1";
    static final String KIND = "DNSEndpoint";

    private DnsEndpointProbes() {
    }

    static List<SmtpProbe> desired(GenericKubernetesResource endpoint) {
        var annotations = endpoint.getMetadata().getAnnotations();
        if ("false".equals(GeneratedProbes.annotation(annotations, GeneratedProbes.PROBE_ANNOTATION).orElse(""))) {
            return List.of();
        }
        List<SmtpProbe> probes = new ArrayList<>();
        for (String domain : mxDomains(endpoint)) {
            var spec = GeneratedProbes.baseSpec(annotations);
            spec.setDomains(List.of(domain));
            probes.add(GeneratedProbes.probe(endpoint, API_VERSION, KIND, GeneratedProbes.name(endpoint.getMetadata().getName(), domain.replace('.', '-')), spec));
        }
        return probes;
    }

    /** The MX record names, without a root dot; wildcards cannot be probed and are left out. */
    static Set<String> mxDomains(GenericKubernetesResource endpoint) {
        Set<String> domains = new LinkedHashSet<>();
        Object endpoints = endpoint.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec ? spec.get("endpoints") : null;
        if (!(endpoints instanceof List<?> list)) {
            return domains;
        }
        for (Object entry : list) {
            if (entry instanceof Map<?, ?> record && "MX".equals(record.get("recordType"))
                    && record.get("dnsName") instanceof String name) {
                String domain = name.strip().toLowerCase(Locale.ROOT);
                domain = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
                if (!domain.isEmpty() && !domain.startsWith("*")) {
                    domains.add(domain);
                }
            }
        }
        return domains;
    }
}
