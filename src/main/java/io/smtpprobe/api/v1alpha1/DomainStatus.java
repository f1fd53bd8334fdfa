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
        List<ServerStatus> servers) {

    public record MxStatus(String host, Integer preference) {
    }
}
