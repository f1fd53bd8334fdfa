package io.smtpprobe.operator.mapping;

import io.smtpprobe.api.v1alpha1.MxPolicy;
import io.smtpprobe.api.v1alpha1.Notify;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.ReplyClass;
import io.smtpprobe.api.v1alpha1.Stage;
import io.smtpprobe.api.v1alpha1.TlsMode;
import java.util.List;

/**
 * Maps the CRD's enums (the public, versioned schema) to the engine's and back, one constant at
 * a time: switches without a default fail to compile when either side gains or renames a value,
 * so an engine change can never silently change what {@code kubectl} users read and write.
 * Null maps to null, so that an absent field stays absent.
 */
public final class CrdEnums {
    private CrdEnums() {
    }

    public static Outcome toApi(io.smtpprobe.core.Outcome outcome) {
        return outcome == null ? null : switch (outcome) {
            case Success -> Outcome.Success;
            case TransientFailure -> Outcome.TransientFailure;
            case PermanentFailure -> Outcome.PermanentFailure;
        };
    }

    public static io.smtpprobe.core.Outcome toCore(Outcome outcome) {
        return outcome == null ? null : switch (outcome) {
            case Success -> io.smtpprobe.core.Outcome.Success;
            case TransientFailure -> io.smtpprobe.core.Outcome.TransientFailure;
            case PermanentFailure -> io.smtpprobe.core.Outcome.PermanentFailure;
        };
    }

    public static ReplyClass toApi(io.smtpprobe.core.ReplyClass replyClass) {
        return replyClass == null ? null : switch (replyClass) {
            case PositiveCompletion -> ReplyClass.PositiveCompletion;
            case PositiveIntermediate -> ReplyClass.PositiveIntermediate;
            case TransientNegative -> ReplyClass.TransientNegative;
            case PermanentNegative -> ReplyClass.PermanentNegative;
        };
    }

    public static Stage toApi(io.smtpprobe.core.Stage stage) {
        return stage == null ? null : switch (stage) {
            case Dns -> Stage.Dns;
            case Connect -> Stage.Connect;
            case TlsHandshake -> Stage.TlsHandshake;
            case Banner -> Stage.Banner;
            case Ehlo -> Stage.Ehlo;
            case Helo -> Stage.Helo;
            case StartTls -> Stage.StartTls;
            case Auth -> Stage.Auth;
            case MailFrom -> Stage.MailFrom;
            case RcptTo -> Stage.RcptTo;
            case Data -> Stage.Data;
            case Quit -> Stage.Quit;
        };
    }

    public static io.smtpprobe.core.TlsMode toCore(TlsMode mode) {
        return mode == null ? null : switch (mode) {
            case Opportunistic -> io.smtpprobe.core.TlsMode.Opportunistic;
            case Required -> io.smtpprobe.core.TlsMode.Required;
            case Disabled -> io.smtpprobe.core.TlsMode.Disabled;
            case Implicit -> io.smtpprobe.core.TlsMode.Implicit;
        };
    }

    public static io.smtpprobe.core.MxPolicy toCore(MxPolicy policy) {
        return policy == null ? null : switch (policy) {
            case Preferred -> io.smtpprobe.core.MxPolicy.Preferred;
            case All -> io.smtpprobe.core.MxPolicy.All;
        };
    }

    public static io.smtpprobe.core.Notify toCore(Notify notify) {
        return notify == null ? null : switch (notify) {
            case SUCCESS -> io.smtpprobe.core.Notify.SUCCESS;
            case FAILURE -> io.smtpprobe.core.Notify.FAILURE;
            case DELAY -> io.smtpprobe.core.Notify.DELAY;
            case NEVER -> io.smtpprobe.core.Notify.NEVER;
        };
    }

    /** Element by element; a null element (a value the schema did not check) stays null for the validator to refuse. */
    public static List<io.smtpprobe.core.Notify> toCore(List<Notify> notify) {
        return notify == null ? null : notify.stream().map(CrdEnums::toCore).toList();
    }
}
