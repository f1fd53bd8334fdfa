package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerStatus(
        String host,
        String address,
        Integer port,
        Integer preference,
        @JsonPropertyDescription("The last stage reached: where the dialogue stopped on failure.")
        Stage stage,
        @JsonPropertyDescription("The reply that decided the reason; absent when none was read.")
        ReplyStatus reply,
        String reason,
        @JsonPropertyDescription("EHLO keywords with their parameters (at most 30 shown).")
        List<String> extensions,
        TlsStatus tls,
        @JsonPropertyDescription("Milliseconds spent per stage.")
        Map<String, Long> latencyMs) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReplyStatus(
            Integer code,
            String enhancedCode,
            @JsonProperty("class") ReplyClass replyClass,
            @JsonPropertyDescription("Reply text, lines joined by a space, truncated.")
            String text) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TlsStatus(
            String protocol,
            String cipher,
            CertificateStatus certificate,
            Boolean trusted,
            Boolean hostnameMatch) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CertificateStatus(
            String subject,
            String issuer,
            List<String> subjectAltNames,
            String notBefore,
            String notAfter,
            Long daysRemaining,
            @JsonPropertyDescription("SHA-256 of the certificate (DER) in lower-case hex, as sha256sum prints it and a "
                    + "DANE TLSA 3 0 1 record holds it; a change between probes is announced by a CertificateChanged Event.")
            String sha256) {
    }
}
