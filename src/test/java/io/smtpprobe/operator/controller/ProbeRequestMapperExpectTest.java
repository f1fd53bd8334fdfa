package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.api.v1alpha1.Expect;
import io.smtpprobe.api.v1alpha1.ExpectedReason;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.Reason;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeRequestMapperExpectTest {
    final ProbeRequestMapper mapper = new ProbeRequestMapper("probe.example.test", "", Duration.ofSeconds(30));

    static SmtpProbeSpec expecting(Expect expect) {
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of("fabrikam.test"));
        spec.setExpect(expect);
        return spec;
    }

    @Test
    void specExpectBecomesTheSameExpectationAsCheckExpect() throws Exception {
        var plan = mapper.map(expecting(new Expect(List.of(ExpectedReason.RelayDenied, ExpectedReason.RecipientUnknown), 550, "5.1.1")));

        assertThat(plan.expectation()).isEqualTo(new Expectation(Set.of(Reason.RecipientUnknown, Reason.RelayDenied), 550, "5.1.1"));
    }

    @Test
    void aSpecWithoutExpectExpectsAcceptance() throws Exception {
        assertThat(mapper.map(expecting(null)).expectation()).isEqualTo(Expectation.NONE);
    }

    @Test
    void anEmptyExpectIsRefusedEvenWhereTheCrdDidNotCheckIt() {
        assertThatThrownBy(() -> mapper.map(expecting(new Expect())))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("spec.expect: needs at least one of");
        assertThatThrownBy(() -> mapper.map(expecting(new Expect(List.of(), null, null))))
                .hasMessageContaining("spec.expect.reasons: needs at least one reason");
    }

    @Test
    void anUnknownReasonArrivesAsNullAndIsRefusedNamingTheField() {
        assertThatThrownBy(() -> mapper.map(expecting(new Expect(Arrays.asList(ExpectedReason.RecipientUnknown, null), null, null))))
                .hasMessageContaining("spec.expect.reasons[1]: empty reason (one of Accepted,");
    }

    @Test
    void badCodesAreRefusedNamingTheSpecField() {
        assertThatThrownBy(() -> mapper.map(expecting(new Expect(null, 700, null))))
                .hasMessageContaining("spec.expect.code: reply code 700 is outside 200..599");
        assertThatThrownBy(() -> mapper.map(expecting(new Expect(null, 550, "4.7.1"))))
                .hasMessageContaining("spec.expect.enhancedCode: enhanced code 4.7.1 has class 4 but reply code 550 has class 5");
    }

    @Test
    void aRandomLocalPartIsFreshOnEveryMapping() throws Exception {
        var spec = expecting(new Expect(List.of(ExpectedReason.RecipientUnknown), null, null));
        spec.setRcptTo(List.of("{random}@fabrikam.test"));

        String first = mapper.map(spec).request().options().rcptTo().get(0);
        String second = mapper.map(spec).request().options().rcptTo().get(0);

        assertThat(first).matches("[a-z0-9]{16}@fabrikam\\.test");
        assertThat(second).matches("[a-z0-9]{16}@fabrikam\\.test").isNotEqualTo(first);
        assertThat(spec.getRcptTo()).as("the spec itself is never changed").containsExactly("{random}@fabrikam.test");
    }

    @Test
    void everyCrdReasonIsAnEngineReasonInTheSameOrder() {
        assertThat(Arrays.stream(ExpectedReason.values()).map(Enum::name))
                .as("api.v1alpha1.ExpectedReason lists core.Reason: add a new reason to both")
                .containsExactlyElementsOf(Arrays.stream(Reason.values()).map(Enum::name).toList());
    }
}
