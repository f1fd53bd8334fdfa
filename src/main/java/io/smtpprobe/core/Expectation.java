package io.smtpprobe.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a healthy answer is, when it is not "accepted": a domain that must refuse a random local
 * part ({@link Reason#RecipientUnknown}: no catch-all), a foreign recipient ({@link Reason#RelayDenied}:
 * no open relay) or plaintext ({@link Reason#StartTlsNotOffered}). A refusal is then the good news,
 * so the expectation, not the outcome, decides whether all is well; the outcome itself is still
 * reported as it is.
 *
 * <p>Every criterion that is set must hold: the reason is one of {@code reasons}, and the deciding
 * server's last reply has {@code code} and {@code enhancedCode}. {@link #NONE} sets none and is met
 * by an accepted dialogue only, which is what a probe without an expectation has always meant.
 *
 * @param reasons      any one of these reasons; empty: any reason
 * @param code         the reply code (200..599) of the deciding reply, or null
 * @param enhancedCode the RFC 3463 code of the deciding reply, e.g. {@code 5.1.1}, or null
 */
public record Expectation(Set<Reason> reasons, Integer code, String enhancedCode) {
    /** RFC 3463: class 2, 4 or 5, subject and detail of at most three digits. */
    public static final Pattern ENHANCED_CODE = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    public static final Expectation NONE = new Expectation(Set.of(), null, null);

    public Expectation {
        reasons = reasons.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(reasons));
        if (code != null && (code < 200 || code > 599)) {
            throw new IllegalArgumentException("reply code " + code + " is outside 200..599");
        }
        if (enhancedCode != null && !ENHANCED_CODE.matcher(enhancedCode).matches()) {
            throw new IllegalArgumentException("enhanced code " + enhancedCode + " is not CLASS.SUBJECT.DETAIL");
        }
        if (code != null && enhancedCode != null && enhancedCode.charAt(0) - '0' != code / 100) {
            // A reply never carries both: the parser drops an enhanced code whose class disagrees.
            throw new IllegalArgumentException("enhanced code " + enhancedCode + " cannot come with reply code " + code);
        }
    }

    /** True when something other than plain acceptance was asked for. */
    public boolean isSet() {
        return !reasons.isEmpty() || code != null || enhancedCode != null;
    }

    /** How one domain's outcome compares: the expectation and the outcome in the same terms, side by side. */
    public record Match(boolean met, String expected, String actual) {
    }

    public Match match(DomainResult domain) {
        boolean met;
        if (!isSet()) {
            met = domain.reason() == Reason.Accepted;
        } else {
            Reply reply = decidingReply(domain);
            met = (reasons.isEmpty() || reasons.contains(domain.reason()))
                    && (code == null || reply != null && reply.code() == code)
                    && (enhancedCode == null || reply != null && enhancedCode.equals(reply.enhancedCode()));
        }
        return new Match(met, expected(), actual(domain));
    }

    /** Met when every domain meets it. */
    public boolean metBy(ProbeReport report) {
        return report.domains().stream().allMatch(d -> match(d).met());
    }

    /** E.g. {@code RecipientUnknown or RelayDenied}, {@code RecipientUnknown with reply 550 5.1.1}, {@code reply 5.7.1}. */
    public String expected() {
        if (!isSet()) {
            return Reason.Accepted.name();
        }
        List<String> parts = new ArrayList<>();
        if (!reasons.isEmpty()) {
            parts.add(String.join(" or ", sortedReasons().stream().map(Reason::name).toList()));
        }
        String reply = replyCriteria();
        if (!reply.isEmpty()) {
            parts.add("reply " + reply);
        }
        return String.join(" with ", parts);
    }

    /** The reasons in the enum's (documented) order, so that the same expectation always reads the same. */
    public List<Reason> sortedReasons() {
        return reasons.isEmpty() ? List.of() : List.copyOf(EnumSet.copyOf(reasons));
    }

    /**
     * The outcome in the expectation's terms: the reason, and the deciding reply's codes when the
     * expectation names codes (or "no reply" when no server answered).
     */
    private String actual(DomainResult domain) {
        String reason = domain.reason() == null ? "no verdict" : domain.reason().name();
        if (code == null && enhancedCode == null) {
            return reason;
        }
        Reply reply = decidingReply(domain);
        if (reply == null) {
            return reason + " with no reply";
        }
        return reason + " with reply " + reply.code() + (reply.enhancedCode() == null ? "" : " " + reply.enhancedCode());
    }

    private String replyCriteria() {
        String c = code == null ? "" : code.toString();
        String e = enhancedCode == null ? "" : enhancedCode;
        return (c + " " + e).trim();
    }

    private static Reply decidingReply(DomainResult domain) {
        ServerResult deciding = domain.deciding();
        return deciding == null ? null : deciding.reply();
    }
}
