package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.api.v1alpha1.MessageData;
import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.TlsMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeRequestMapperTest {
    final ProbeRequestMapper mapper = new ProbeRequestMapper("probe.example.test", "", Duration.ofSeconds(30));

    static SmtpProbeSpec spec(String... domains) {
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of(domains));
        return spec;
    }

    @Test
    void minimalSpecGetsTheDocumentedDefaults() throws Exception {
        var plan = mapper.map(spec("contoso.test"));
        var request = plan.request();
        assertThat(request.domains()).containsExactly("contoso.test");
        assertThat(request.port()).isEqualTo(25);
        assertThat(request.mxPolicy()).isEqualTo(MxPolicy.Preferred);
        assertThat(request.options().ehloName()).isEqualTo("probe.example.test");
        assertThat(request.options().mailFrom()).isEmpty();
        assertThat(request.options().tlsMode()).isEqualTo(TlsMode.Opportunistic);
        assertThat(request.options().data()).isNull();
        assertThat(request.options().dsnNotify()).isEmpty();
        assertThat(plan.interval()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void everyFieldIsCarriedOver() throws Exception {
        var spec = spec();
        spec.setServers(List.of("mx1.contoso.test:2525", "[::1]:25"));
        spec.setPort(587);
        spec.setMxPolicy(io.smtpprobe.api.v1alpha1.MxPolicy.All);
        spec.setEhloName("me.test");
        spec.setMailFrom("probe@me.test");
        spec.setRcptTo(List.of("a@contoso.test"));
        spec.setNotify(List.of(io.smtpprobe.api.v1alpha1.Notify.SUCCESS, io.smtpprobe.api.v1alpha1.Notify.FAILURE));
        spec.setTls(io.smtpprobe.api.v1alpha1.TlsMode.Required);
        spec.setInsecureSkipVerify(true);
        spec.setData(new MessageData("Probe", "line 1\r\nline 2"));
        spec.setInterval("1h30m");
        var timeouts = new ProbeTimeouts();
        timeouts.setConnect("2s");
        spec.setTimeouts(timeouts);
        var plan = mapper.map(spec);
        var options = plan.request().options();
        assertThat(plan.request().servers()).containsExactly(
                new HostPort("mx1.contoso.test", 2525, "mx1.contoso.test:2525"), new HostPort("::1", 25, "[::1]:25"));
        assertThat(plan.request().port()).isEqualTo(587);
        assertThat(options.rcptTo()).containsExactly("a@contoso.test");
        assertThat(options.dsnNotify()).containsExactlyInAnyOrder(Notify.SUCCESS, Notify.FAILURE);
        assertThat(options.insecure()).isTrue();
        assertThat(options.data().body()).isEqualTo("line 1\r\nline 2");
        assertThat(options.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.timeouts().command()).isEqualTo(Duration.ofSeconds(30));
        assertThat(plan.interval()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void internationalisedDomainGoesToDnsInAsciiForm() throws Exception {
        assertThat(mapper.map(spec("bücher.test.")).request().domains()).containsExactly("xn--bcher-kva.test");
    }

    @Test
    void lineBreakInMailFromIsRefusedNamingTheField() {
        var spec = spec("contoso.test");
        spec.setMailFrom("a@b.test\r\nRCPT TO:<victim@x.test>");
        assertThatThrownBy(() -> mapper.map(spec)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("spec.mailFrom: control character \\x0d at position 8");
    }

    @Test
    void controlCharactersAreRefusedInEveryWireString() {
        var spec = spec("contoso.test");
        spec.setEhloName("me\u0000.test");
        spec.setRcptTo(List.of("ok@a.test", "x@a.test\n"));
        spec.setData(new MessageData("sub\rject", "body\u001b[2J"));
        assertThatThrownBy(() -> mapper.map(spec)).isInstanceOfSatisfying(InvalidSpecException.class, e ->
                assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(':')))
                        .containsExactly("spec.ehloName", "spec.rcptTo[1]", "spec.data.subject", "spec.data.body"));
    }

    @Test
    void neitherDomainsNorServersIsRefused() {
        assertThatThrownBy(() -> mapper.map(spec())).hasMessage("spec.domains or spec.servers: at least one is required");
    }

    @Test
    void malformedNamesAreRefused() {
        var spec = spec("good.test", "bad..test", "-bad.test");
        spec.setServers(List.of("mx.test:99999", "mx test"));
        assertThatThrownBy(() -> mapper.map(spec)).isInstanceOfSatisfying(InvalidSpecException.class, e ->
                assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(':')))
                        .containsExactly("spec.domains[1]", "spec.domains[2]", "spec.servers[0]", "spec.servers[1]"));
    }

    @Test
    void intervalBelowTheMinimumIsRefused() {
        var spec = spec("contoso.test");
        spec.setInterval("10s");
        assertThatThrownBy(() -> mapper.map(spec)).hasMessage("spec.interval: 10s is shorter than the minimum 30s");
        spec.setInterval("5 minutes");
        assertThatThrownBy(() -> mapper.map(spec)).hasMessageStartingWith("spec.interval: invalid duration '5 minutes'");
    }

    @Test
    void neverCannotBeCombinedWithOtherNotifyValues() {
        var spec = spec("contoso.test");
        spec.setNotify(List.of(io.smtpprobe.api.v1alpha1.Notify.NEVER, io.smtpprobe.api.v1alpha1.Notify.FAILURE));
        assertThatThrownBy(() -> mapper.map(spec)).hasMessage("spec.notify: NEVER excludes SUCCESS, FAILURE and DELAY");
    }

    @Test
    void zeroTimeoutIsRefused() {
        var spec = spec("contoso.test");
        var timeouts = new ProbeTimeouts();
        timeouts.setTotal("0s");
        spec.setTimeouts(timeouts);
        assertThatThrownBy(() -> mapper.map(spec)).hasMessage("spec.timeouts.total: duration must be greater than zero");
    }

    @Test
    void aConfiguredDefaultThatCouldNotBeSentFailsAtStartUp() {
        assertThatThrownBy(() -> new ProbeRequestMapper("probe\r\nQUIT", "", Duration.ofSeconds(30)))
                .hasMessageStartingWith("default EHLO name: control character \\x0d");
        assertThatThrownBy(() -> new ProbeRequestMapper("probe.example.test", "a(b)@x.test", Duration.ofSeconds(30)))
                .hasMessageStartingWith("default MAIL FROM:");
    }

    @Test
    void ehloNamesAndAddressesAreJudgedAsTheCheckCommandJudgesThem() {
        var spec = spec("contoso.test");
        spec.setEhloName("two words");
        spec.setMailFrom("a(b)@x.test");
        spec.setRcptTo(List.of("under_score@bad_domain.test"));
        assertThatThrownBy(() -> mapper.map(spec)).isInstanceOfSatisfying(InvalidSpecException.class, e ->
                assertThat(e.problems()).extracting(p -> p.substring(0, p.indexOf(':')))
                        .containsExactly("spec.ehloName", "spec.mailFrom", "spec.rcptTo[0]"));
    }
}
