package io.smtpprobe.operator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.smtpprobe.api.v1alpha1.TlsMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceProbesTest {
    private final ServiceProbes probes = new ServiceProbes("cluster.test");

    @Test
    void annotatedServiceIsProbedAtItsClusterNameOnPort25WithTheDomainsPostmaster() {
        var probe = probes.desired(service(Map.of("smtpprobe.io/probe", "true", "smtpprobe.io/domain", "contoso.test",
                "smtpprobe.io/interval", "1m"), null, 587, 25)).orElseThrow();

        assertThat(probe.getMetadata().getName()).isEqualTo("mail-smtp");
        assertThat(probe.getMetadata().getNamespace()).isEqualTo("mailns");
        assertThat(probe.getSpec().getServers()).containsExactly("mail.mailns.svc.cluster.test:25");
        assertThat(probe.getSpec().getDomains()).containsExactly("contoso.test");
        assertThat(probe.getSpec().getRcptTo()).isNull();
        assertThat(probe.getSpec().getInterval()).isEqualTo("1m");
        assertThat(probe.getSpec().getTls()).isEqualTo(TlsMode.Opportunistic);
        assertThat(probe.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "smtp-probe-operator")
                .containsEntry("smtpprobe.io/generated-from", "Service");
        var owner = probe.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("Service");
        assertThat(owner.getApiVersion()).isEqualTo("v1");
        assertThat(owner.getUid()).isEqualTo("uid-mail");
        assertThat(owner.getController()).isTrue();
    }

    @Test
    void submissionsPortIsProbedWithImplicitTlsAndRecipientsFromTheAnnotation() {
        var probe = probes.desired(service(Map.of("smtpprobe.io/probe", "true",
                "smtpprobe.io/recipient", "a@contoso.test, b@contoso.test"), null, 465)).orElseThrow();

        assertThat(probe.getSpec().getServers()).containsExactly("mail.mailns.svc.cluster.test:465");
        assertThat(probe.getSpec().getTls()).isEqualTo(TlsMode.Implicit);
        assertThat(probe.getSpec().getRcptTo()).containsExactly("a@contoso.test", "b@contoso.test");
        assertThat(probe.getSpec().getDomains()).isNull();
        assertThat(probe.getSpec().getInterval()).isEqualTo("5m");
    }

    @Test
    void headlessServiceIsProbedOnTheTargetPortItsPodsListenOn() {
        var probe = probes.desired(service(Map.of("smtpprobe.io/probe", "true", "smtpprobe.io/domain", "contoso.test"),
                "None", 25)).orElseThrow();

        assertThat(probe.getSpec().getServers()).containsExactly("mail.mailns.svc.cluster.test:2525");
    }

    @Test
    void servicesThatDoNotAskOrCannotBeProbedGetNoneAndSayWhy() {
        assertThat(probes.desired(service(Map.of("smtpprobe.io/domain", "contoso.test"), null, 25))).isEmpty();
        assertThat(probes.desired(service(Map.of("smtpprobe.io/probe", "false", "smtpprobe.io/domain", "contoso.test"), null, 25))).isEmpty();

        Service http = service(Map.of("smtpprobe.io/probe", "true", "smtpprobe.io/domain", "contoso.test"), null, 80, 2525);
        assertThat(probes.desired(http)).isEmpty();
        assertThat(probes.skipReason(http)).hasValueSatisfying(r -> assertThat(r).contains("[25, 587, 465]"));

        Service noRecipient = service(Map.of("smtpprobe.io/probe", "true"), null, 25);
        assertThat(probes.desired(noRecipient)).isEmpty();
        assertThat(probes.skipReason(noRecipient)).hasValueSatisfying(r -> assertThat(r).contains("smtpprobe.io/domain"));
    }

    static Service service(Map<String, String> annotations, String clusterIp, int... ports) {
        var builder = new ServiceBuilder().withNewMetadata().withName("mail").withNamespace("mailns").withUid("uid-mail")
                .withAnnotations(annotations).endMetadata().withNewSpec().withClusterIP(clusterIp);
        for (int port : ports) {
            builder.addNewPort().withName("p" + port).withPort(port).withTargetPort(new IntOrString(2525)).endPort();
        }
        return builder.endSpec().build();
    }
}
