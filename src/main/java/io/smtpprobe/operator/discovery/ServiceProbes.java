package io.smtpprobe.operator.discovery;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.TlsMode;
import java.util.List;
import java.util.Optional;

/**
 * The SmtpProbe a Service asks for with {@code smtpprobe.io/probe: "true"}: its mail port (25, else
 * 587, else 465 with implicit TLS) at the name its clients use, {@code NAME.NAMESPACE.svc.CLUSTER_DOMAIN}.
 * A Service without a recipient to ask about (neither {@code smtpprobe.io/domain}, which names
 * {@code postmaster@DOMAIN}, nor {@code smtpprobe.io/recipient}) gets none: the CRD requires one.
 */
final class ServiceProbes {
    /** In the order a mail admin would try them: relay, submission, submissions. */
    static final List<Integer> MAIL_PORTS = List.of(25, 587, 465);
    private static final int IMPLICIT_TLS_PORT = 465;

    private final String clusterDomain;

    ServiceProbes(String clusterDomain) {
        this.clusterDomain = clusterDomain;
    }

    /** Empty when the Service does not ask for a probe or cannot have one (see {@link #skipReason}). */
    Optional<SmtpProbe> desired(Service service) {
        return asksForProbe(service) && skipReason(service).isEmpty() ? Optional.of(build(service)) : Optional.empty();
    }

    /** Why an annotated Service gets no probe; empty when it gets one or did not ask. */
    Optional<String> skipReason(Service service) {
        var annotations = service.getMetadata().getAnnotations();
        if (!asksForProbe(service)) {
            return Optional.empty();
        }
        if (mailPort(service).isEmpty()) {
            return Optional.of("it exposes none of the ports " + MAIL_PORTS);
        }
        if (GeneratedProbes.annotation(annotations, GeneratedProbes.DOMAIN_ANNOTATION).isEmpty()
                && GeneratedProbes.annotation(annotations, GeneratedProbes.RECIPIENT_ANNOTATION).isEmpty()) {
            return Optional.of("it names no recipient: set " + GeneratedProbes.DOMAIN_ANNOTATION + " or "
                    + GeneratedProbes.RECIPIENT_ANNOTATION);
        }
        return Optional.empty();
    }

    boolean asksForProbe(Service service) {
        return "true".equals(GeneratedProbes.annotation(service.getMetadata().getAnnotations(),
                GeneratedProbes.PROBE_ANNOTATION).orElse(""));
    }

    static String probeName(Service service) {
        return GeneratedProbes.name(service.getMetadata().getName(), "smtp");
    }

    private SmtpProbe build(Service service) {
        var annotations = service.getMetadata().getAnnotations();
        int port = targetPort(service, mailPort(service).orElseThrow());
        var spec = GeneratedProbes.baseSpec(annotations);
        spec.setServers(List.of(host(service) + ":" + port));
        spec.setPort(port);
        GeneratedProbes.annotation(annotations, GeneratedProbes.DOMAIN_ANNOTATION).ifPresent(d -> spec.setDomains(List.of(d)));
        if (mailPort(service).orElseThrow().getPort() == IMPLICIT_TLS_PORT) {
            spec.setTls(TlsMode.Implicit);
        }
        return GeneratedProbes.probe(service, "v1", "Service", probeName(service), spec);
    }

    private String host(Service service) {
        return service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc." + clusterDomain;
    }

    private static Optional<ServicePort> mailPort(Service service) {
        List<ServicePort> ports = service.getSpec() == null || service.getSpec().getPorts() == null ? List.of()
                : service.getSpec().getPorts();
        return MAIL_PORTS.stream().flatMap(p -> ports.stream().filter(sp -> p.equals(sp.getPort())))
                .findFirst();
    }

    /**
     * A headless Service's name resolves to its pods, which listen on the target port; any other
     * Service's name resolves to an address that listens on the Service port.
     */
    private static int targetPort(Service service, ServicePort port) {
        boolean headless = "None".equals(service.getSpec().getClusterIP());
        if (headless && port.getTargetPort() != null && port.getTargetPort().getIntVal() != null) {
            return port.getTargetPort().getIntVal();
        }
        return port.getPort();
    }
}
