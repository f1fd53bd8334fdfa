package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtpprobe.api.v1alpha1.MessageData;
import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.cli.CheckArguments;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.operator.controller.InvalidSpecException;
import io.smtpprobe.operator.controller.ProbeRequestMapper;
import io.smtpprobe.request.Field;
import io.smtpprobe.request.InvalidRequestException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One case table, three entry points: the {@code check} command line, the body of
 * {@code POST /api/v1/checks} and an SmtpProbe spec. Each must accept the same inputs, and refuse
 * the same inputs naming the same field, because all three go through the one validator.
 */
class EntryPointAgreementTest {
    static final String ACCEPTED = "accepted";
    static final ObjectMapper JSON = new ObjectMapper();
    static final ProbeRequestMapper MAPPER = new ProbeRequestMapper("probe.example.test", "", Duration.ofSeconds(30));

    /** {@code field} given {@code values} (besides the domain contoso.test, unless the case is about domains). */
    record Case(Field field, List<String> values, Field refused) {
        @Override
        public String toString() {
            return field.key() + "=" + values.stream().map(v -> v.length() > 40 ? v.substring(0, 40) + "…" : v)
                    .map(EntryPointAgreementTest::visible).toList() + " -> " + (refused == null ? ACCEPTED : "refused " + refused.key());
        }
    }

    static Case ok(Field field, String... values) {
        return new Case(field, List.of(values), null);
    }

    static Case refused(Field field, String... values) {
        return new Case(field, List.of(values), field);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                ok(Field.DOMAINS, "contoso.test"),
                ok(Field.DOMAINS, "bücher.test."),
                ok(Field.DOMAINS, "xn--bcher-kva.test"),
                ok(Field.DOMAINS, "straße.test"),
                refused(Field.DOMAINS, "contoso.test\r\nQUIT"),
                refused(Field.DOMAINS, "bad..test"),
                refused(Field.DOMAINS, "-bad.test"),
                refused(Field.DOMAINS, "under_score.test"),
                refused(Field.DOMAINS, "999.1.1.1"),
                refused(Field.DOMAINS, "a\u0085.test"),
                refused(Field.DOMAINS, "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + ".test"),
                refused(Field.DOMAINS, Collections.nCopies(101, "contoso.test").toArray(String[]::new)),
                ok(Field.SERVER, "127.0.0.1:2525"),
                ok(Field.SERVER, "[::1]:25"),
                ok(Field.SERVER, "mx1.contoso.test"),
                refused(Field.SERVER, "mx.test:99999"),
                refused(Field.SERVER, "mx test"),
                refused(Field.SERVER, "999.1.1.1"),
                refused(Field.SERVER, "mx.test\n:25"),
                ok(Field.PORT, "2525"),
                refused(Field.PORT, "70000"),
                refused(Field.PORT, "0"),
                ok(Field.EHLO, "probe.contoso.test"),
                ok(Field.EHLO, "[127.0.0.1]"),
                ok(Field.EHLO, "[IPv6:::1]"),
                refused(Field.EHLO, "me\u0000.test"),
                refused(Field.EHLO, "two words"),
                refused(Field.EHLO, "a(b).test"),
                refused(Field.EHLO, "under_score.test"),
                refused(Field.EHLO, "[999.0.0.1]"),
                ok(Field.MAIL_FROM, "probe@contoso.test"),
                ok(Field.MAIL_FROM, ""),
                ok(Field.MAIL_FROM, "<>"),
                refused(Field.MAIL_FROM, "a@b.test\r\nRCPT TO:<x@y.test>"),
                refused(Field.MAIL_FROM, "a(b)@x.test"),
                refused(Field.MAIL_FROM, "a@b.test\u2028"),
                refused(Field.MAIL_FROM, "a..b@x.test"),
                refused(Field.MAIL_FROM, "no-at-sign"),
                ok(Field.RCPT_TO, "user@contoso.test"),
                ok(Field.RCPT_TO, "user@bücher.test"),
                ok(Field.RCPT_TO, "user@[192.0.2.1]"),
                refused(Field.RCPT_TO, "a b@c.test"),
                refused(Field.RCPT_TO, "a<b@c.test"),
                refused(Field.RCPT_TO, "x@a.test\n"),
                refused(Field.RCPT_TO, "a(b)@x.test"),
                refused(Field.RCPT_TO, Collections.nCopies(11, "user@contoso.test").toArray(String[]::new)),
                ok(Field.SUBJECT, "Probe"),
                refused(Field.SUBJECT, "hi\rthere"),
                refused(Field.SUBJECT, "line\u2029separator"),
                refused(Field.SUBJECT, "s".repeat(201)),
                ok(Field.BODY, "line1\r\nline2\n\tx"),
                refused(Field.BODY, "bell\u0007"),
                refused(Field.BODY, "body\u001b[2J"),
                refused(Field.BODY, "next\u0085line"),
                ok(Field.CONNECT_TIMEOUT, "500ms"),
                ok(Field.TIMEOUT, "1m30s"),
                refused(Field.CONNECT_TIMEOUT, "10"),
                refused(Field.COMMAND_TIMEOUT, "-1s"),
                refused(Field.TIMEOUT, "0s"),
                refused(Field.TIMEOUT, "2m\n"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyEntryPointGivesTheSameVerdict(Case c) {
        assertThat(cli(c)).as("check command line").isEqualTo(expected(c));
        assertThat(rest(c)).as("REST body").isEqualTo(expected(c));
        assertThat(spec(c)).as("SmtpProbe spec").isEqualTo(expected(c));
    }

    static String expected(Case c) {
        return c.refused() == null ? ACCEPTED : c.refused().key();
    }

    static String cli(Case c) {
        var argv = new ArrayList<String>();
        for (String v : c.values()) {
            if (c.field() != Field.DOMAINS) {
                argv.add("--" + c.field().key());
            }
            argv.add(v);
        }
        if (c.field() != Field.DOMAINS) {
            argv.add("contoso.test");
        }
        try {
            return verdict(CheckArguments.parse(argv.toArray(String[]::new)).request());
        } catch (InvalidRequestException e) {
            return e.problems().get(0).field().key();
        }
    }

    static String rest(Case c) {
        ObjectNode body = JSON.createObjectNode();
        var values = body.putArray(c.field().key());
        c.values().forEach(values::add);
        if (c.field() != Field.DOMAINS) {
            body.putArray("domains").add("contoso.test");
        }
        try {
            return verdict(AdHocCheck.request(body).request());
        } catch (InvalidRequestException e) {
            return e.problems().get(0).field().key();
        }
    }

    static String spec(Case c) {
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of("contoso.test"));
        String last = c.values().get(c.values().size() - 1);
        switch (c.field()) {
            case DOMAINS -> spec.setDomains(c.values());
            case SERVER -> spec.setServers(c.values());
            case PORT -> spec.setPort(Integer.valueOf(last));
            case EHLO -> spec.setEhloName(last);
            case MAIL_FROM -> spec.setMailFrom(last);
            case RCPT_TO -> spec.setRcptTo(c.values());
            case SUBJECT -> spec.setData(new MessageData(last, "body"));
            case BODY -> spec.setData(new MessageData("subject", last));
            case CONNECT_TIMEOUT, COMMAND_TIMEOUT, TIMEOUT -> spec.setTimeouts(timeouts(c.field(), last));
            default -> throw new IllegalArgumentException("no spec field for " + c.field());
        }
        try {
            return verdict(MAPPER.map(spec).request());
        } catch (InvalidSpecException e) {
            String problem = e.problems().get(0);
            return Stream.of(Field.values()).filter(f -> problem.startsWith(ProbeRequestMapper.specField(f) + ":")
                    || problem.startsWith(ProbeRequestMapper.specField(f) + "["))
                    .map(Field::key).findFirst().orElse(problem);
        }
    }

    static ProbeTimeouts timeouts(Field field, String value) {
        var t = new ProbeTimeouts();
        switch (field) {
            case CONNECT_TIMEOUT -> t.setConnect(value);
            case COMMAND_TIMEOUT -> t.setCommand(value);
            default -> t.setTotal(value);
        }
        return t;
    }

    static String verdict(ProbeRequest request) {
        assertThat(request).isNotNull();
        return ACCEPTED;
    }

    static String visible(String s) {
        var sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029
                ? String.format("\\u%04x", cp) : Character.toString(cp)));
        return sb.toString();
    }
}
