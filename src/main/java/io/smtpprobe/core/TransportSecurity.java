package io.smtpprobe.core;

import java.util.List;

/**
 * What a sending MTA that implements MTA-STS (RFC 8461) and DANE (RFC 7672) would conclude about a
 * domain's transport security, in the words of a TLS report (RFC 8460).
 *
 * @param policyType which policy applies: DANE for any MX host with usable TLSA records wins over
 *                   MTA-STS (RFC 8461 §2)
 * @param mode       {@code enforce}, {@code testing} or {@code none} for MTA-STS; {@code enforce} for
 *                   DANE (usable TLSA records are mandatory); null when no policy applies
 * @param policyId   the {@code id=} of the {@code _mta-sts} TXT record; null without one
 * @param result     the RFC 8460 result type, {@link ResultType#SUCCESS} when nothing failed
 * @param failingMx  the MX hosts that failed, in MX order
 * @param rua        the {@code rua} targets of the domain's {@code _smtp._tls} TLS-RPT record (never
 *                   sent to); empty without one
 * @param reason     why it failed (a transport-security reason); null on success
 * @param detail     a short sanitised explanation of the failure; null on success
 * @param enforced   the failure decided the domain's verdict, as a sending MTA would refuse to deliver
 */
public record TransportSecurity(
        PolicyType policyType,
        String mode,
        String policyId,
        ResultType result,
        List<String> failingMx,
        List<String> rua,
        Reason reason,
        String detail,
        boolean enforced) {

    public TransportSecurity {
        failingMx = failingMx == null ? List.of() : List.copyOf(failingMx);
        rua = rua == null ? List.of() : List.copyOf(rua);
    }

    public boolean failed() {
        return result != ResultType.SUCCESS;
    }

    /** RFC 8460 §4.4 policy types. */
    public enum PolicyType {
        STS("sts"), TLSA("tlsa"), NO_POLICY_FOUND("no-policy-found");

        private final String wireName;

        PolicyType(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** RFC 8460 §4.3 result types, and {@code success} when a session would have met the policy. */
    public enum ResultType {
        SUCCESS("success"),
        STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
        CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
        CERTIFICATE_EXPIRED("certificate-expired"),
        CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
        VALIDATION_FAILURE("validation-failure"),
        TLSA_INVALID("tlsa-invalid"),
        DNSSEC_INVALID("dnssec-invalid"),
        DANE_REQUIRED("dane-required"),
        STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
        STS_POLICY_INVALID("sts-policy-invalid"),
        STS_WEBPKI_INVALID("sts-webpki-invalid");

        private final String wireName;

        ResultType(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
