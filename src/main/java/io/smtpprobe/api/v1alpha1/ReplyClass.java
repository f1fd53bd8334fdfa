package io.smtpprobe.api.v1alpha1;

/** {@code reply.class} of a server in the status: the RFC 5321 §4.2.1 class of the reply code, in the v1alpha1 schema. */
public enum ReplyClass {
    PositiveCompletion, PositiveIntermediate, TransientNegative, PermanentNegative
}
