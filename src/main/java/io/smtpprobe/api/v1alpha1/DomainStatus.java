package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record DomainStatus(
        String domain,
        Outcome result,
        @JsonPropertyDescription("CamelCase reason of the deciding server, or a DNS/policy reason when none was reached.")
        String reason,
        String message,
        @JsonPropertyDescription("The MX set in preference order (at most 10 entries shown).")
        List<MxStatus> mx,
        @JsonPropertyDescription("The servers talked to (at most 10 shown).")
        List<ServerStatus> servers,
        @JsonPropertyDescription("spec.expect in words, e.g. 'RecipientUnknown with reply 550 5.1.1'; absent without spec.expect.")
        String expected,
        @JsonPropertyDescription("The outcome in the same words, to read beside expected, e.g. 'Accepted with reply 250 2.1.5'.")
        String actual,
        @JsonPropertyDescription("Whether the outcome matched spec.expect; absent without spec.expect.")
        Boolean expectationMet,
        @JsonPropertyDescription("MTA-STS, DANE and TLS-RPT as a sending MTA sees them; absent with spec.transportSecurity: Ignore.")
        TransportSecurityStatus transportSecurity) {

    /** Without a transport-security block. */
    public DomainStatus(String domain, Outcome result, String reason, String message, List<MxStatus> mx,
                        List<ServerStatus> servers, String expected, String actual, Boolean expectationMet) {
        this(domain, result, reason, message, mx, servers, expected, actual, expectationMet, null);
    }

    /** A domain's result where the spec states no expectation. */
    public DomainStatus(String domain, Outcome result, String reason, String message, List<MxStatus> mx, List<ServerStatus> servers) {
        this(domain, result, reason, message, mx, servers, null, null, null);
    }

    public record MxStatus(String host, Integer preference) {
    }
}
