package io.smtpprobe.engine.dane;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * One answer from the {@link ValidatingResolver}, sorted into the four DNSSEC states of RFC 4035
 * §4.3 as far as they matter here: secure (the AD bit), insecure (no AD: no trust anchor covers
 * the name, or a signed delegation proves it unsigned), bogus (SERVFAIL with the validator's
 * reason), and a failed lookup (no answer, or a SERVFAIL that was the resolver's own).
 */
record ValidatedAnswer(State state, List<Record> records, String detail) {

    enum State { SECURE, INSECURE, BOGUS, FAILED }

    /** RFC 8914 codes that say the answer was checked and failed, not that it could not be had. */
    private static final List<Integer> BOGUS_CODES = List.of(
            ExtendedErrorCodeOption.DNSSEC_BOGUS, ExtendedErrorCodeOption.SIGNATURE_EXPIRED,
            ExtendedErrorCodeOption.SIGNATURE_NOT_YET_VALID, ExtendedErrorCodeOption.DNSKEY_MISSING,
            ExtendedErrorCodeOption.RRSIGS_MISSING, ExtendedErrorCodeOption.NO_ZONE_KEY_BIT_SET,
            ExtendedErrorCodeOption.NSEC_MISSING);

    boolean securelyFound() {
        return state == State.SECURE && !records.isEmpty();
    }

    static ValidatedAnswer of(Name name, int type, Message reply, Throwable error) {
        String question = name.toString(true) + " " + Type.string(type);
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return new ValidatedAnswer(State.FAILED, List.of(), "no answer for " + question + ": " + cause);
        }
        int rcode = reply.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            List<Record> records = new ArrayList<>();
            for (Record record : reply.getSection(Section.ANSWER)) {
                if (record.getType() == type) {
                    records.add(record);
                }
            }
            State state = reply.getHeader().getFlag(Flags.AD) ? State.SECURE : State.INSECURE;
            return new ValidatedAnswer(state, List.copyOf(records), null);
        }
        String reason = validationReason(reply);
        boolean checkedAndFailed = rcode == Rcode.SERVFAIL && (reason != null || hasBogusCode(reply));
        if (checkedAndFailed) {
            return new ValidatedAnswer(State.BOGUS, List.of(),
                    "DNSSEC validation failed for " + question + (reason == null ? "" : ": " + reason));
        }
        return new ValidatedAnswer(State.FAILED, List.of(), Rcode.string(rcode) + " for " + question);
    }

    /** The validator's explanation, which it puts in the additional section in a private class. */
    private static String validationReason(Message reply) {
        for (Record record : reply.getSection(Section.ADDITIONAL)) {
            if (record instanceof TXTRecord txt && record.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join(" ", txt.getStrings());
            }
        }
        return null;
    }

    private static boolean hasBogusCode(Message reply) {
        OPTRecord opt = reply.getOPT();
        if (opt == null) {
            return false;
        }
        for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
            if (option instanceof ExtendedErrorCodeOption ede && BOGUS_CODES.contains(ede.getErrorCode())) {
                return true;
            }
        }
        return false;
    }
}
