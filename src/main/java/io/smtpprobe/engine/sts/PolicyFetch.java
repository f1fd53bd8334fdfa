package io.smtpprobe.engine.sts;

import io.smtpprobe.core.Reason;
import io.smtpprobe.core.TransportSecurity.ResultType;

/** The end of one policy fetch: the body, or the RFC 8460 result type and reason of the failure. */
public record PolicyFetch(String body, ResultType failure, Reason reason, String detail) {
    static PolicyFetch ok(String body) {
        return new PolicyFetch(body, null, null, null);
    }

    static PolicyFetch fetchError(String detail) {
        return new PolicyFetch(null, ResultType.STS_POLICY_FETCH_ERROR, Reason.MtaStsFetchFailed, detail);
    }

    static PolicyFetch webPkiInvalid(String detail) {
        return new PolicyFetch(null, ResultType.STS_WEBPKI_INVALID, Reason.MtaStsWebPkiInvalid, detail);
    }

    public boolean succeeded() {
        return body != null;
    }
}
