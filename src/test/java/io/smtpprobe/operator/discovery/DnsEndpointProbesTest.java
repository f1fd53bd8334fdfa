package io.smtpprobe.operator.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class DnsEndpointProbesTest {

    @Test
    void eachMxDomainGetsAProbeThatLooksItsMxUp() {
        var endpoint = endpoint("""
                apiVersion: externaldns.k8s.io/v1alpha1
                kind: DNSEndpoint
                metadata: {name: mail, namespace: dns, uid: uid-ep, annotations: {smtpprobe.io/interval: 2m}}
                spec:
                  endpoints:
                  - {dnsName: contoso.test, recordType: MX, targets: ["10 mx1.contoso.test", "20 mx2.contoso.test"]}
                  - {dnsName: Fabrikam.test., recordType: MX, targets: ["10 mx.fabrikam.test"]}
                  - {dnsName: mx1.contoso.test, recordType: A, targets: ["192.0.2.1"]}
                  - {dnsName: "*.wild.test", recordType: MX, targets: ["10 mx.wild.test"]}
                  - {dnsName: contoso.test, recordType: MX, targets: ["30 mx3.contoso.test"]}
                """);

        var probes = DnsEndpointProbes.desired(endpoint);

        assertThat(probes).extracting(p -> p.getMetadata().getName()).containsExactly("mail-contoso-test", "mail-fabrikam-test");
        assertThat(probes).extracting(p -> p.getSpec().getDomains().get(0)).containsExactly("contoso.test", "fabrikam.test");
        assertThat(probes.get(0).getSpec().getServers()).isNull();
        assertThat(probes.get(0).getSpec().getPort()).isEqualTo(25);
        assertThat(probes.get(0).getSpec().getInterval()).isEqualTo("2m");
        assertThat(probes.get(0).getMetadata().getLabels()).containsEntry("smtpprobe.io/generated-from", "DNSEndpoint");
        var owner = probes.get(0).getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getApiVersion()).isEqualTo("externaldns.k8s.io/v1alpha1");
        assertThat(owner.getKind()).isEqualTo("DNSEndpoint");
        assertThat(owner.getUid()).isEqualTo("uid-ep");
    }

    @Test
    void optedOutOrMxLessEndpointsGetNone() {
        assertThat(DnsEndpointProbes.desired(endpoint("""
                apiVersion: externaldns.k8s.io/v1alpha1
                kind: DNSEndpoint
                metadata: {name: mail, namespace: dns, annotations: {smtpprobe.io/probe: "false"}}
                spec: {endpoints: [{dnsName: contoso.test, recordType: MX, targets: ["10 mx.contoso.test"]}]}
                """))).isEmpty();
        assertThat(DnsEndpointProbes.desired(endpoint("""
                apiVersion: externaldns.k8s.io/v1alpha1
                kind: DNSEndpoint
                metadata: {name: web, namespace: dns}
                spec: {endpoints: [{dnsName: www.contoso.test, recordType: A, targets: ["192.0.2.1"]}]}
                """))).isEmpty();
    }

    @Test
    void namesTooLongForAnObjectFallBackToAHashOfTheDomain() {
        String domain = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(60) + ".test";
        String name = GeneratedProbes.name("mail", domain.replace('.', '-'));
        assertThat(name).matches("mail-[0-9a-f]{10}");
        assertThat(GeneratedProbes.name("mail", "other-" + domain.replace('.', '-'))).isNotEqualTo(name);
    }

    static GenericKubernetesResource endpoint(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }
}
