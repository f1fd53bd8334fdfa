package io.smtpprobe.report;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ReplyClass;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A backup MX (a higher preference number) that accepts what a more preferred MX of the same domain
 * rejected permanently. Senders fall back to the backup whenever the primary is busy or unreachable,
 * and spammers go there first: the backup takes the mail, cannot deliver it, and bounces it to a
 * sender address that is usually forged (backscatter).
 *
 * <p>Only the envelope and the message count (MAIL, RCPT, DATA): what they are refused for is the same
 * on every MX, whereas a greeting or EHLO refusal says more about this client than about the mail.
 * The mirror case, a backup refusing what the primary accepts, is not flagged here: under
 * {@code mxPolicy: All} the worst server already decides the domain's result, so it is visible in the
 * verdict itself, whereas this case hides behind the primary's expected rejection.
 */
public record MxDisagreement(String domain, ServerResult primary, ServerResult backup) {
    private static final Set<Stage> ENVELOPE = EnumSet.of(Stage.MailFrom, Stage.RcptTo, Stage.Data);

    /** Every disagreement in the results, one per accepting backup, paired with the most preferred rejecting MX. */
    public static List<MxDisagreement> find(List<DomainResult> domains) {
        var found = new ArrayList<MxDisagreement>();
        domains.forEach(d -> found.addAll(find(d)));
        return List.copyOf(found);
    }

    public static List<MxDisagreement> find(DomainResult domain) {
        var found = new ArrayList<MxDisagreement>();
        for (ServerResult backup : domain.servers()) {
            if (backup.preference() == null || backup.reason() != Reason.Accepted) {
                continue;
            }
            mostPreferredRejecting(domain, backup.preference()).ifPresent(primary ->
                    found.add(new MxDisagreement(domain.domain(), primary, backup)));
        }
        return found;
    }

    /**
     * Whether two MX hosts of different preference both answered the envelope: only then could a
     * disagreement have shown (never under {@code mxPolicy: Preferred}, which stops at the first answer).
     */
    public static boolean compared(DomainResult domain) {
        return domain.servers().stream().filter(MxDisagreement::answeredEnvelope)
                .map(ServerResult::preference).distinct().count() > 1;
    }

    /**
     * In the renderer's words, e.g. {@code fabrikam.test: backup MX accepts what a preferred MX rejects
     * (a backscatter path): MX 10 mx1.fabrikam.test (192.0.2.1:25) RCPT 550 5.1.1 User unknown, but
     * MX 20 mx2.fabrikam.test (192.0.2.2:25) accepted (250 2.1.5 Ok)}.
     */
    public String describe() {
        String primaryLine = Findings.server(domain, primary);
        String domainPrefix = primaryLine.substring(0, primaryLine.length() - withoutDomain(primary).length());
        return domainPrefix + "backup MX accepts what a preferred MX rejects (a backscatter path): MX " + primary.preference() + " "
                + withoutDomain(primary) + ", but MX " + backup.preference() + " " + withoutDomain(backup);
    }

    private static Optional<ServerResult> mostPreferredRejecting(DomainResult domain, int backupPreference) {
        return domain.servers().stream()
                .filter(s -> s.preference() != null && s.preference() < backupPreference && rejectedPermanently(s))
                .min(Comparator.comparingInt(ServerResult::preference));
    }

    private static boolean rejectedPermanently(ServerResult s) {
        return ENVELOPE.contains(s.stage()) && s.outcome() == Outcome.PermanentFailure && s.reply() != null
                && s.reply().replyClass() == ReplyClass.PermanentNegative;
    }

    private static boolean answeredEnvelope(ServerResult s) {
        return s.preference() != null && (s.reason() == Reason.Accepted
                || ENVELOPE.contains(s.stage()) && s.reply() != null && s.reason().replyBased());
    }

    /** The renderer's line without its leading domain: {@code Findings.server} prints "" as the empty prefix ": ". */
    private static String withoutDomain(ServerResult server) {
        return Findings.server("", server).substring(2);
    }
}
