package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** A domain's MTA-STS, DANE and TLS-RPT, in the words of an RFC 8460 TLS report. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransportSecurityStatus(
        @JsonPropertyDescription("RFC 8460 policy type: sts, tlsa (DANE, which wins over MTA-STS) or no-policy-found.")
        String policyType,
        @JsonPropertyDescription("MTA-STS mode enforce, testing or none; enforce for DANE; absent without a usable policy.")
        String mode,
        @JsonPropertyDescription("The id of the _mta-sts TXT record.")
        String policyId,
        @JsonPropertyDescription("RFC 8460 result type (e.g. certificate-host-mismatch, sts-policy-fetch-error), or success.")
        String result,
        @JsonPropertyDescription("The MX hosts that failed (at most 5 shown).")
        List<String> failingMx,
        @JsonPropertyDescription("The rua targets of the domain's _smtp._tls TLS-RPT record; at most 2 shown; no report is ever sent.")
        List<String> tlsRptRua,
        @JsonPropertyDescription("The reason of the failure (see the README's reasons); absent on success.")
        String reason,
        String message,
        @JsonPropertyDescription("True when the failure decided the domain's result, as a sending MTA would not deliver.")
        Boolean enforced) {
}
