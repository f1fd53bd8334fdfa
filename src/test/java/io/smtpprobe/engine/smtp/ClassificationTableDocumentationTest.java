package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's "How a reply becomes a reason" table is the classifier's documentation: one row per
 * rule, in evaluation order, each with the first reply of the corpus that the rule decides.
 */
class ClassificationTableDocumentationTest {
    private static final String BEGIN = "<!-- CLASSIFICATION:BEGIN -->\n";
    private static final String END = "<!-- CLASSIFICATION:END -->";
    private static final int MAX_EXAMPLE = 110;

    static String table() {
        List<ReplyCorpus.Entry> corpus = ReplyCorpus.entries();
        StringBuilder sb = new StringBuilder("| # | trusts | when | reason | example from the corpus |\n|---|---|---|---|---|\n");
        int n = 0;
        for (ClassificationRule rule : ClassificationRules.ORDERED) {
            String example = corpus.stream()
                    .filter(e -> ReplyClassifier.decidingRule(e.stage(), e.reply()) == rule)
                    .findFirst()
                    .map(e -> e.mta() + ", " + e.stage().command() + ": `" + cut(e.quoted()) + "`")
                    .orElse("none");
            sb.append("| ").append(++n).append(" | ").append(rule.trusts()).append(" | ").append(cell(rule.when()))
                    .append(" | `").append(rule.reason().name()).append("` | ").append(cell(example)).append(" |\n");
        }
        return sb.toString();
    }

    private static String cut(String s) {
        return s.length() <= MAX_EXAMPLE ? s : s.substring(0, MAX_EXAMPLE - 1) + "…";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    @Test
    void readmeListsEveryRuleInEvaluationOrderWithAnExample() throws Exception {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        int from = text.indexOf(BEGIN);
        int to = text.indexOf(END);
        assertThat(from).as("README has the markers %s and %s", BEGIN.strip(), END).isNotNegative();
        assertThat(to).isGreaterThan(from);
        String section = text.substring(from + BEGIN.length(), to);
        if (Boolean.getBoolean("update.docs")) {
            Files.writeString(readme, text.substring(0, from + BEGIN.length()) + table() + text.substring(to));
            return;
        }
        assertThat(section).as("README classification table; regenerate with -Dupdate.docs=true").isEqualTo(table());
    }
}
