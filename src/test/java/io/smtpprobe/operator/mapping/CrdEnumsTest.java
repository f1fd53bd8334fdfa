package io.smtpprobe.operator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.api.v1alpha1.MxPolicy;
import io.smtpprobe.api.v1alpha1.Notify;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.ReplyClass;
import io.smtpprobe.api.v1alpha1.Stage;
import io.smtpprobe.api.v1alpha1.TlsMode;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every engine value has its CRD value and the other way round, and the CRD values are the
 * v1alpha1 schema as published: a renamed engine constant fails here, never in users' clusters.
 */
class CrdEnumsTest {

    @Test
    void everyEngineVerdictHasItsStatusValue() {
        assertMapsOneToOne(io.smtpprobe.core.Outcome.values(), Outcome.values(), CrdEnums::toApi);
        assertThat(Arrays.stream(io.smtpprobe.core.Outcome.values()).map(CrdEnums::toApi).map(CrdEnums::toCore))
                .containsExactly(io.smtpprobe.core.Outcome.values());
        assertMapsOneToOne(io.smtpprobe.core.ReplyClass.values(), ReplyClass.values(), CrdEnums::toApi);
        assertMapsOneToOne(io.smtpprobe.core.Stage.values(), Stage.values(), CrdEnums::toApi);
    }

    @Test
    void everySpecValueReachesTheEngineAndEveryEngineSettingIsReachable() {
        assertMapsOneToOne(TlsMode.values(), io.smtpprobe.core.TlsMode.values(), CrdEnums::toCore);
        assertMapsOneToOne(MxPolicy.values(), io.smtpprobe.core.MxPolicy.values(), CrdEnums::toCore);
        assertMapsOneToOne(Notify.values(), io.smtpprobe.core.Notify.values(), CrdEnums::toCore);
    }

    @Test
    void theSchemaValuesAreTheOnesV1alpha1Published() {
        assertThat(names(Outcome.values())).containsExactlyInAnyOrder("Success", "TransientFailure", "PermanentFailure");
        assertThat(names(ReplyClass.values()))
                .containsExactlyInAnyOrder("PositiveCompletion", "PositiveIntermediate", "TransientNegative", "PermanentNegative");
        assertThat(names(Stage.values())).containsExactlyInAnyOrder(
                "Dns", "Connect", "TlsHandshake", "Banner", "Ehlo", "Helo", "StartTls", "Auth", "MailFrom", "RcptTo", "Data", "Quit");
        assertThat(names(TlsMode.values())).containsExactlyInAnyOrder("Opportunistic", "Required", "Disabled", "Implicit");
        assertThat(names(MxPolicy.values())).containsExactlyInAnyOrder("Preferred", "All");
        assertThat(names(Notify.values())).containsExactlyInAnyOrder("SUCCESS", "FAILURE", "DELAY", "NEVER");
    }

    @Test
    void absentStaysAbsent() {
        assertThat(CrdEnums.toApi((io.smtpprobe.core.Outcome) null)).isNull();
        assertThat(CrdEnums.toApi((io.smtpprobe.core.Stage) null)).isNull();
        assertThat(CrdEnums.toApi((io.smtpprobe.core.ReplyClass) null)).isNull();
        assertThat(CrdEnums.toCore((TlsMode) null)).isNull();
        assertThat(CrdEnums.toCore((MxPolicy) null)).isNull();
        assertThat(CrdEnums.toCore((List<Notify>) null)).isNull();
        assertThat(CrdEnums.toCore(Arrays.asList(Notify.NEVER, null))).containsExactly(io.smtpprobe.core.Notify.NEVER, null);
    }

    /**
     * Total, injective and onto. The names agree today, which also catches two values swapped in
     * the mapping; a deliberate engine rename changes this expectation and the mapping, never the schema.
     */
    private static <F extends Enum<F>, T extends Enum<T>> void assertMapsOneToOne(F[] from, T[] to, Function<F, T> map) {
        var mapped = Arrays.stream(from).map(map).toList();
        assertThat(mapped).doesNotContainNull().doesNotHaveDuplicates().containsExactlyInAnyOrder(to);
        for (F value : from) {
            assertThat(map.apply(value).name()).as("%s maps by meaning, and today by name", value).isEqualTo(value.name());
        }
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }
}
