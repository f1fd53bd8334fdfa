package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reason;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reply of the corpus of real MTAs and providers gets the reason a mail admin would give it,
 * and every acceptance yields the queue id the server's log knows the message by.
 */
class ReplyCorpusTest {

    /** The MTAs issue 11 asks for; the corpus holds more. */
    private static final Set<String> REQUIRED_MTAS = Set.of("Postfix", "Exim", "OpenSMTPD", "Haraka", "Exchange", "Gmail");

    static List<ReplyCorpus.Entry> corpus() {
        return ReplyCorpus.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachReplyGetsTheReasonAnAdminWouldGiveIt(ReplyCorpus.Entry entry) {
        assertThat(ReplyClassifier.classify(entry.stage(), entry.reply()))
                .as("%s (%s), decided by rule: %s", entry.mta(), entry.source(),
                        ReplyClassifier.decidingRule(entry.stage(), entry.reply()).when())
                .isEqualTo(entry.reason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachReplyYieldsItsQueueIdOrNone(ReplyCorpus.Entry entry) {
        assertThat(QueueIdExtractor.extract(entry.reply())).as("%s (%s)", entry.mta(), entry.source())
                .isEqualTo(entry.queueId());
    }

    @Test
    void theCorpusCoversTheMtasAndEveryReasonAReplyCanGive() {
        var entries = corpus();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(80);
        assertThat(entries).extracting(ReplyCorpus.Entry::mta).containsAll(REQUIRED_MTAS);
        assertThat(entries).allSatisfy(e -> assertThat(e.source()).isNotBlank());
        List<Reason> replyReasons = Arrays.stream(Reason.values()).filter(Reason::replyBased).toList();
        assertThat(entries.stream().map(ReplyCorpus.Entry::reason).collect(Collectors.toSet()))
                .containsAll(replyReasons);
    }

    @Test
    void everyAcceptanceFormatWithAQueueIdIsInTheCorpus() {
        var withQueueId = corpus().stream().filter(e -> e.queueId() != null).map(ReplyCorpus.Entry::mta)
                .collect(Collectors.toSet());
        assertThat(withQueueId).contains("Postfix", "Exim", "OpenSMTPD", "Haraka", "Exchange", "Gmail", "Sendmail", "qmail");
    }

    @Test
    void everyRuleOfTheTableDecidesSomeReplyOfTheCorpus() {
        Set<ClassificationRule> used = corpus().stream()
                .map(e -> ReplyClassifier.decidingRule(e.stage(), e.reply())).collect(Collectors.toSet());
        List<ClassificationRule> unused = ClassificationRules.ORDERED.stream()
                .filter(rule -> !used.contains(rule)).toList();
        assertThat(unused).extracting(ClassificationRule::when).isEmpty();
    }
}
