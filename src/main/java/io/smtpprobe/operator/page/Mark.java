package io.smtpprobe.operator.page;

import io.quarkus.qute.TemplateData;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.ReplyClass;

/**
 * How a verdict or a reply looks: a CSS class for its colour, and always an icon and a word beside
 * it, so that colour is never the only signal (WCAG 1.4.1).
 *
 * @param css   {@code ok}, {@code warn}, {@code fail} or {@code none}; page.css gives each colours of at least 4.5:1
 * @param icon  a symbol that differs in shape, not only in colour
 * @param label the same in words, for screen readers and for anyone who cannot tell the icons apart
 */
@TemplateData
public record Mark(String css, String icon, String label) {
    static final Mark OK = new Mark("ok", "✓", "success");
    static final Mark WARN = new Mark("warn", "!", "temporary failure");
    static final Mark FAIL = new Mark("fail", "✗", "permanent failure");
    static final Mark NONE = new Mark("none", "–", "no result yet");

    static Mark of(Outcome outcome) {
        if (outcome == null) {
            return NONE;
        }
        return switch (outcome) {
            case Success -> OK;
            case TransientFailure -> WARN;
            case PermanentFailure -> FAIL;
        };
    }

    /** A reply by its class (RFC 5321 §4.2.1); no reply at all (refused, timed out, TLS) is a failure of its own kind. */
    static Mark of(ReplyClass replyClass) {
        if (replyClass == null) {
            return new Mark("fail", "⚠", "no reply");
        }
        return switch (replyClass) {
            case PositiveCompletion -> new Mark("ok", "✓", "2xx positive completion");
            case PositiveIntermediate -> new Mark("ok", "→", "3xx positive intermediate");
            case TransientNegative -> new Mark("warn", "!", "4xx transient negative");
            case PermanentNegative -> new Mark("fail", "✗", "5xx permanent negative");
        };
    }

    /** Ready, as a probe with spec.expect sees it: an expected refusal is healthy. */
    static Mark ready(Boolean ready, Outcome outcome) {
        if (ready == null) {
            return of(outcome);
        }
        return ready ? new Mark("ok", "✓", "healthy") : of(outcome == Outcome.Success ? Outcome.PermanentFailure : outcome);
    }
}
