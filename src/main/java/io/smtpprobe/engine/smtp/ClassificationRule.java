package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reason;
import java.util.function.Predicate;

/**
 * One row of the classification table: when it applies, in words a mail admin can check against
 * a transcript, and the reason it gives. The README's "How a reply becomes a reason" table is
 * generated from these rows, so the words and the code cannot drift apart.
 *
 * @param trusts what the rule relies on: the stage, the basic code, the enhanced code or the wording
 * @param when   the condition, as the README prints it
 */
record ClassificationRule(String trusts, String when, Reason reason, Predicate<ReplyFacts> test) {

    boolean appliesTo(ReplyFacts facts) {
        return test.test(facts);
    }
}
