package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import java.util.Locale;

/**
 * What a classification rule may look at in one reply: the stage that drew it, the basic code,
 * the RFC 3463 enhanced code split into subject and detail, and the words. The text is compared in
 * lower case because servers capitalise the same phrase differently ("User unknown", "user unknown").
 */
record ReplyFacts(Stage stage, int code, String subjectDetail, String text) {

    static ReplyFacts of(Stage stage, Reply reply) {
        String enhanced = reply.enhancedCode();
        // "5.1.1" -> "1.1": the class digit repeats the basic code, which the rules read as it is
        String subjectDetail = enhanced == null ? "" : enhanced.substring(2);
        return new ReplyFacts(stage, reply.code(), subjectDetail, reply.text().toLowerCase(Locale.ROOT));
    }

    boolean isTransient() {
        return code >= 400 && code < 500;
    }

    boolean isPermanent() {
        return code >= 500;
    }

    boolean atStage(Stage... stages) {
        for (Stage s : stages) {
            if (stage == s) {
                return true;
            }
        }
        return false;
    }

    boolean codeIs(int... codes) {
        for (int c : codes) {
            if (code == c) {
                return true;
            }
        }
        return false;
    }

    boolean hasEnhancedCode() {
        return !subjectDetail.isEmpty();
    }

    /** True when the enhanced code is one of these subject.detail pairs, e.g. {@code "1.1"} for 5.1.1. */
    boolean enhancedIs(String... pairs) {
        for (String p : pairs) {
            if (subjectDetail.equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** The subject digit alone: {@code "1"} (addressing), {@code "7"} (security or policy)… */
    String subject() {
        int dot = subjectDetail.indexOf('.');
        return dot < 0 ? "" : subjectDetail.substring(0, dot);
    }

    /**
     * No enhanced code, or one that only says "other" or "undefined" (X.0.0, X.1.0, X.7.0, X.7.1 and
     * the like): the words then carry the meaning. X.7.1 counts as vague because every policy
     * rejection uses it, from relaying to HELO checks to content.
     */
    boolean enhancedIsVague() {
        return subjectDetail.isEmpty() || subjectDetail.endsWith(".0") || subjectDetail.equals("7.1");
    }

    boolean says(String... phrases) {
        for (String p : phrases) {
            if (text.contains(p)) {
                return true;
            }
        }
        return false;
    }
}
