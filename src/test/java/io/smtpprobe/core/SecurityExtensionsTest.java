package io.smtpprobe.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityExtensionsTest {

    @Test
    void theSecurityRelevantKeywordsAreFoundAsWorded() {
        var ehlo = List.of("PIPELINING", "SIZE 10240000", "VRFY", "ETRN", "STARTTLS", "AUTH PLAIN LOGIN", "AUTH=PLAIN LOGIN",
                "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING", "REQUIRETLS", "STARTTLSX");

        assertThat(SecurityExtensions.of(ehlo)).containsExactly("STARTTLS", "REQUIRETLS", "AUTH PLAIN LOGIN",
                "AUTH=PLAIN LOGIN", "SMTPUTF8", "CHUNKING", "DSN", "SIZE 10240000");
        assertThat(SecurityExtensions.of(List.of("PIPELINING", "8BITMIME"))).isEmpty();
    }

    @Test
    void paddingCannotPushRequireTlsOutOfABudget() {
        List<String> padded = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            padded.add("X-PADDING-" + i);
        }
        padded.add("REQUIRETLS");
        padded.add("STARTTLS");

        var kept = SecurityExtensions.keepFirst(padded, 24);

        assertThat(kept).hasSize(24).startsWith("STARTTLS", "REQUIRETLS", "X-PADDING-0");
        assertThat(SecurityExtensions.keepFirst(List.of("DSN", "PIPELINING"), 24)).containsExactly("DSN", "PIPELINING");
    }
}
