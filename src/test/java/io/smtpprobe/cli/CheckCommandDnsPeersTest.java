package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.ScriptedDnsServer;
import io.smtpprobe.testsupport.ScriptedDnsServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** {@code check} against a scripted DNS server: DNS outcomes as a sending MTA sees them, in the exit code. */
@Tag("peers")
class CheckCommandDnsPeersTest {

    private ScriptedDnsServer dns;

    @AfterEach
    void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private record Run(int exit, JsonNode json) {
    }

    private Run check(ScriptedDnsServer.Script script, String domain) throws Exception {
        dns = ScriptedDnsServer.start(script);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = CheckCommand.run(new String[] {"--json", "--dns-server", dns.endpoint(), "--timeout", "5s", domain},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        return new Run(exit, new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)));
    }

    @Test
    void aServfailDomainIsTransientWithExitOne() throws Exception {
        Run run = check(q -> Reply.rcode(Rcode.SERVFAIL), "servfail.test");

        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_TRANSIENT);
        assertThat(run.json().get("result").asText()).isEqualTo("TransientFailure");
        assertThat(run.json().get("reason").asText()).isEqualTo("DnsServerFailure");
        assertThat(run.json().get("domains").get(0).get("servers")).isEmpty();
    }

    @Test
    void anNxdomainStaysPermanentWithExitTwo() throws Exception {
        Run run = check(q -> Reply.rcode(Rcode.NXDOMAIN), "nosuch.test");

        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(run.json().get("result").asText()).isEqualTo("PermanentFailure");
        assertThat(run.json().get("reason").asText()).isEqualTo("DnsNameNotFound");
    }
}
