package io.smtpprobe.core;

/** RFC 5321 §4.2.1: the first digit of a reply code says how the client should go on. */
public enum ReplyClass {
    PositiveCompletion, PositiveIntermediate, TransientNegative, PermanentNegative;

    /** Returns null for codes outside 200..599, which a parser must already have refused. */
    public static ReplyClass of(int code) {
        return switch (code / 100) {
            case 2 -> PositiveCompletion;
            case 3 -> PositiveIntermediate;
            case 4 -> TransientNegative;
            case 5 -> PermanentNegative;
            default -> null;
        };
    }
}
