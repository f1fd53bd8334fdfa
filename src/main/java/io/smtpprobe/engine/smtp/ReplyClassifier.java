package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;

/**
 * Turns a reply at a given stage into a {@link Reason}, the way an administrator reads it: by the
 * stage, then the reply code and the RFC 3463 enhanced code, then the wording, in that order of
 * trust. The rules live in {@link ClassificationRules}; unknown enhanced codes fall back by class
 * and stage, never to a more specific reason than the server said.
 */
public final class ReplyClassifier {

    private ReplyClassifier() {
    }

    /** Returns {@link Reason#Accepted} for replies that let the dialogue go on. */
    public static Reason classify(Stage stage, Reply reply) {
        return decidingRule(stage, reply).reason();
    }

    /** The first rule of the table that applies; the last rule applies to every reply. */
    static ClassificationRule decidingRule(Stage stage, Reply reply) {
        ReplyFacts facts = ReplyFacts.of(stage, reply);
        for (ClassificationRule rule : ClassificationRules.ORDERED) {
            if (rule.appliesTo(facts)) {
                return rule;
            }
        }
        throw new IllegalStateException("the classification table has no catch-all rule");
    }
}
