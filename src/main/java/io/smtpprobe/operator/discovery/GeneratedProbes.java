package io.smtpprobe.operator.discovery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.smtpprobe.api.v1alpha1.MxPolicy;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.TlsMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What marks a generated SmtpProbe, and how one is built for its owner. Every field the CRD defaults
 * is set explicitly, so a stored probe compares equal to the desired one and an unchanged owner
 * causes no write.
 */
final class GeneratedProbes {
    static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    static final String MANAGED_BY = "smtp-probe-operator";
    /** The owner's kind: {@code Service} or {@code DNSEndpoint}; the owner itself is the ownerReference. */
    static final String GENERATED_FROM_LABEL = "smtpprobe.io/generated-from";

    static final String PROBE_ANNOTATION = "smtpprobe.io/probe";
    static final String DOMAIN_ANNOTATION = "smtpprobe.io/domain";
    static final String RECIPIENT_ANNOTATION = "smtpprobe.io/recipient";
    static final String INTERVAL_ANNOTATION = "smtpprobe.io/interval";

    /** The CRD's defaults ({@code @Default} in SmtpProbeSpec). */
    static final String DEFAULT_INTERVAL = "5m";
    static final int SMTP_PORT = 25;

    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NAME = 253;

    private GeneratedProbes() {
    }

    /** A spec with every CRD default filled in; the caller sets the targets. */
    static SmtpProbeSpec baseSpec(Map<String, String> ownerAnnotations) {
        var spec = new SmtpProbeSpec();
        spec.setPort(SMTP_PORT);
        spec.setMxPolicy(MxPolicy.Preferred);
        spec.setTls(TlsMode.Opportunistic);
        spec.setInsecureSkipVerify(false);
        spec.setSuspend(false);
        spec.setInterval(annotation(ownerAnnotations, INTERVAL_ANNOTATION).orElse(DEFAULT_INTERVAL));
        List<String> recipients = annotation(ownerAnnotations, RECIPIENT_ANNOTATION)
                .map(r -> Arrays.stream(r.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .filter(r -> !r.isEmpty()).orElse(null);
        spec.setRcptTo(recipients);
        return spec;
    }

    /** The owner's kind and apiVersion are given: objects from a list or an informer may lack them. */
    static SmtpProbe probe(HasMetadata owner, String apiVersion, String kind, String name, SmtpProbeSpec spec) {
        var probe = new SmtpProbe();
        probe.getMetadata().setName(name);
        probe.getMetadata().setNamespace(owner.getMetadata().getNamespace());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        labels.put(GENERATED_FROM_LABEL, kind);
        probe.getMetadata().setLabels(labels);
        probe.getMetadata().setOwnerReferences(List.of(ownerReference(owner, apiVersion, kind)));
        probe.setSpec(spec);
        return probe;
    }

    /** A controller reference, so the garbage collector deletes the probe with its owner. */
    static OwnerReference ownerReference(HasMetadata owner, String apiVersion, String kind) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind)
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).build();
    }

    /** The controlling owner of a generated probe, if it has one. */
    static Optional<OwnerReference> controller(HasMetadata probe) {
        return probe.getMetadata().getOwnerReferences().stream()
                .filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
    }

    static boolean isOwnedBy(HasMetadata probe, HasMetadata owner) {
        return controller(probe).filter(r -> r.getUid().equals(owner.getMetadata().getUid())).isPresent();
    }

    static boolean isGenerated(HasMetadata probe) {
        return MANAGED_BY.equals(probe.getMetadata().getLabels().get(MANAGED_BY_LABEL))
                && probe.getMetadata().getLabels().containsKey(GENERATED_FROM_LABEL);
    }

    /**
     * {@code OWNER-SUFFIX} when that is a valid object name, else the owner's name with a hash of the
     * suffix: names stay readable and two suffixes never share one.
     */
    static String name(String owner, String suffix) {
        String readable = (owner + "-" + suffix).toLowerCase(Locale.ROOT);
        if (readable.length() <= MAX_NAME && SUBDOMAIN.matcher(readable).matches()) {
            return readable;
        }
        String hash = sha256(suffix).substring(0, 10);
        return owner.substring(0, Math.min(owner.length(), MAX_NAME - hash.length() - 1)) + "-" + hash;
    }

    static Optional<String> annotation(Map<String, String> annotations, String key) {
        return Optional.ofNullable(annotations).map(a -> a.get(key)).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
