package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.ScriptedDnsServer;
import io.smtpprobe.testsupport.ScriptedDnsServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** {@code check} shows a possible homograph with the verdict, in text and in JSON, and probes the name all the same. */
@Tag("peers")
class CheckCommandNameWarningsPeersTest {
    static final String WARNING = "domain label 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)";

    private ScriptedDnsServer dns;

    @BeforeEach
    void start() throws Exception {
        dns = ScriptedDnsServer.start(q -> Reply.rcode(Rcode.NXDOMAIN));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private String check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--dns-server", dns.endpoint(), "--timeout", "5s"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        int exit = CheckCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(exit).as("NXDOMAIN decides the exit code, not the warning").isEqualTo(CheckCommand.EXIT_FAILED);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTextReportHasAWarningLineInItsSummary() {
        String text = check("p\u0430ypal.test");
        assertThat(text).contains("=== Summary\nwarning: " + WARNING + "\n");
        assertThat(text).contains("DnsNameNotFound");
    }

    @Test
    void theJsonReportHasAWarningsArray() throws Exception {
        var json = new ObjectMapper().readTree(check("--json", "p\u0430ypal.test"));
        assertThat(json.get("warnings")).hasSize(1);
        assertThat(json.get("warnings").get(0).asText()).isEqualTo(WARNING);
        assertThat(json.get("domains").get(0).get("domain").asText()).startsWith("xn--");
    }

    @Test
    void anOrdinaryInternationalisedNameHasNoWarnings() throws Exception {
        assertThat(check("bücher.test")).doesNotContain("warning:");
        assertThat(new ObjectMapper().readTree(check("--json", "bücher.test")).has("warnings")).isFalse();
    }
}
