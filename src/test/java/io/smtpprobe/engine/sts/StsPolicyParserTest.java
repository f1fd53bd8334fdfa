package io.smtpprobe.engine.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StsPolicyParserTest {

    @Test
    void readsTheRfcExampleWithCrlfAndLfLines() {
        var parsed = StsPolicyParser.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\nmx: *.example.net\r\n"
                + "mx: backupmx.example.test\r\nmax_age: 604800\r\n");
        assertNull(parsed.error());
        assertEquals("enforce", parsed.policy().mode());
        assertEquals(List.of("mail.example.test", "*.example.net", "backupmx.example.test"), parsed.policy().mx());
        assertEquals(Duration.ofDays(7), parsed.policy().maxAge());
    }

    @Test
    void ignoresUnknownKeysAndKeepsTheFirstOfARepeatedKey() {
        var parsed = StsPolicyParser.parse("version: STSv1\nmode: testing\nmode: enforce\nfoo: bar\nmx: mx.a.test\nmax_age: 86400\n");
        assertEquals("testing", parsed.policy().mode());
    }

    @Test
    void refusesWhatRfc8461Forbids() {
        assertInvalid("mode: enforce\nmx: mx.a.test\nmax_age: 1\n", "no 'version: STSv1'");
        assertInvalid("version: STSv2\nmode: enforce\nmx: mx.a.test\nmax_age: 1\n", "not STSv1");
        assertInvalid("version: STSv1\nmode: strict\nmx: mx.a.test\nmax_age: 1\n", "not enforce, testing or none");
        assertInvalid("version: STSv1\nmode: enforce\nmax_age: 1\n", "no 'mx' line");
        assertInvalid("version: STSv1\nmode: enforce\nmx: mx.a.test\n", "no 'max_age'");
        assertInvalid("version: STSv1\nmode: enforce\nmx: mx.a.test\nmax_age: 31557601\n", "exceeds 31557600");
        assertInvalid("version: STSv1\nmode: enforce\nmx: mx.a.test\nmax_age: -5\n", "not a number");
        assertInvalid("version: STSv1\nmode: enforce\nmx: mx.*.a.test\nmax_age: 5\n", "not a host name");
        assertInvalid("<html>not a policy</html>", "without 'key: value'");
    }

    @Test
    void aNonePolicyNeedsNoMxLines() {
        assertEquals("none", StsPolicyParser.parse("version: STSv1\nmode: none\nmax_age: 0\n").policy().mode());
    }

    @Test
    void aWildcardStandsForExactlyOneLeftmostLabel() {
        StsPolicy policy = new StsPolicy("enforce", List.of("*.example.test", "mx.other.test"), Duration.ZERO);
        assertTrue(policy.matches("mx1.example.test"));
        assertTrue(policy.matches("MX1.Example.Test."));
        assertTrue(policy.matches("mx.other.test"));
        assertFalse(policy.matches("example.test"));
        assertFalse(policy.matches("a.mx1.example.test"));
        assertFalse(policy.matches("mx.other.test.evil.test"));
        assertFalse(policy.matches("xmx.other.test"));
    }

    private static void assertInvalid(String body, String why) {
        var parsed = StsPolicyParser.parse(body);
        assertNull(parsed.policy(), body);
        assertTrue(parsed.error().contains(why), parsed.error());
    }
}
