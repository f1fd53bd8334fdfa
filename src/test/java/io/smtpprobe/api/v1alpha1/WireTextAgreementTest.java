package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.smtpprobe.request.Field;
import io.smtpprobe.request.InvalidRequestException;
import io.smtpprobe.request.ProbeInput;
import io.smtpprobe.request.RequestDefaults;
import io.smtpprobe.request.RequestValidator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD's patterns and limits against the one validator ({@code io.smtpprobe.request}). The
 * CRD is the first gate, the validator the authority: the CRD must never let through a control
 * character the validator refuses, must never refuse what the validator accepts, and where a
 * pattern is exact (mailboxes, EHLO names, text) it agrees with the validator case by case. The
 * patterns run through java.util.regex with {@code matches()}, which for these patterns (no
 * back-references, no look-around) answers as the API server's RE2 does.
 */
class WireTextAgreementTest {

    /** The pattern of each field and whether it is meant to be exact. */
    record Rule(Field field, String pattern, boolean exact) {
        boolean crdAccepts(String value) {
            return Pattern.compile(pattern).matcher(value).matches();
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule(Field.DOMAINS, WireText.DOMAIN, false),
            new Rule(Field.SERVER, WireText.SERVER, false),
            new Rule(Field.EHLO, WireText.EHLO_NAME, false),
            new Rule(Field.MAIL_FROM, WireText.REVERSE_PATH, false),
            new Rule(Field.RCPT_TO, WireText.MAILBOX, false),
            new Rule(Field.SUBJECT, WireText.SINGLE_LINE, true),
            new Rule(Field.BODY, WireText.MULTI_LINE, true),
            new Rule(Field.TIMEOUT, WireText.DURATION, false));

    /** A valid value of each field, into which hostile characters are spliced. */
    static final Map<Field, String> VALID = Map.of(
            Field.DOMAINS, "contoso.test", Field.SERVER, "mx.contoso.test:2525", Field.EHLO, "probe.contoso.test",
            Field.MAIL_FROM, "probe@contoso.test", Field.RCPT_TO, "user@contoso.test", Field.SUBJECT, "Probe",
            Field.BODY, "line", Field.TIMEOUT, "10s");

    /** Inputs whose verdicts must agree where the CRD is exact, and never be refused by the CRD when the validator accepts. */
    static final Map<Field, List<String>> CASES = Map.of(
            Field.DOMAINS, List.of("contoso.test", "bücher.test", "contoso.test.", "xn--bcher-kva.test", "bad..test", "-bad.test",
                    "under_score.test", "sp ace.test", "a.-b.test", ""),
            Field.SERVER, List.of("mx.test", "mx.test:2525", "127.0.0.1", "[::1]:25", "mx test", "mx.test:", "[::1", "mx_1.test"),
            Field.EHLO, List.of("probe.contoso.test", "probe.contoso.test.", "[127.0.0.1]", "[IPv6:::1]", "two words", "a(b).test", "under_score.test",
                    "[127.0.0.1", "bücher.test", ""),
            Field.MAIL_FROM, List.of("", "<>", "probe@contoso.test", "a(b)@x.test", "a..b@x.test", ".a@x.test", "a.@x.test",
                    "no-at-sign", "@x.test", "a@", "a b@x.test", "a<b@x.test", "a@b@c.test", "user@[192.0.2.1]",
                    "o'brien+tag@x.test", "a@x_y.test", "josé@x.test", "用户@例え.test", "a\u00a0b@x.test", "a\u200bb@x.test"),
            Field.RCPT_TO, List.of("user@contoso.test", "user@bücher.test", "a(b)@x.test", "a..b@x.test", "x@a.test ", "a@[IPv6:::1]",
                    "{weird}~@x.test", "a\"b@x.test", "a,b@x.test", "a;b@x.test", "josé@bücher.test", "δοκιμή@x.test",
                    "jos\u0301e@x.test", "a\u3000b@x.test", "a\u202eb@x.test", "a\ufeffb@x.test", "a\ue000b@x.test", "ü..b@x.test"),
            Field.SUBJECT, List.of("Probe", "héllo wörld", "tab\tinside", "", "emoji \uD83D\uDE00"),
            Field.BODY, List.of("line1\r\nline2\n\tx", "", "plain"),
            Field.TIMEOUT, List.of("10s", "1m30s", "500ms", "10", "-1s", "1d", "1 s"));

    static Stream<Arguments> rules() {
        return RULES.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theCrdNeverAcceptsAControlCharacterTheValidatorRefuses(Rule rule) {
        String valid = VALID.get(rule.field());
        assertThat(rule.crdAccepts(valid)).as(valid).isTrue();
        assertThat(validatorAccepts(rule.field(), valid)).as(valid).isTrue();
        var controls = new ArrayList<Integer>();
        IntStream.rangeClosed(0x00, 0x1f).forEach(controls::add);
        IntStream.rangeClosed(0x7f, 0x9f).forEach(controls::add);
        controls.addAll(List.of(0x2028, 0x2029));
        for (int c : controls) {
            for (String hostile : List.of(Character.toString(c) + valid, valid.substring(0, 1) + Character.toString(c) + valid.substring(1),
                    valid + Character.toString(c))) {
                if (!validatorAccepts(rule.field(), hostile)) {
                    assertThat(rule.crdAccepts(hostile)).as("%s with U+%04X", rule.field(), c).isFalse();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theCrdAgreesWithTheValidatorWhereItIsExactAndNeverRefusesWhatTheValidatorAccepts(Rule rule) {
        for (String value : CASES.get(rule.field())) {
            boolean validator = validatorAccepts(rule.field(), value);
            boolean crd = rule.crdAccepts(value);
            if (rule.exact()) {
                assertThat(crd).as("'%s': CRD and validator disagree", value).isEqualTo(validator);
            } else if (validator) {
                // The one deliberate difference: the validator trims surrounding blanks, the CRD refuses them.
                assertThat(rule.crdAccepts(value.strip())).as("'%s': the validator accepts it, the CRD must too", value).isTrue();
            }
        }
    }

    @Test
    void mailboxesAndEhloNamesAgreeExactlyOnAsciiInput() {
        // Beyond ASCII only the validator can judge (IDNA); for ASCII the patterns are exact.
        for (Field field : List.of(Field.EHLO, Field.MAIL_FROM, Field.RCPT_TO)) {
            Rule rule = RULES.stream().filter(r -> r.field() == field).findFirst().orElseThrow();
            for (String value : CASES.get(field)) {
                if (value.chars().allMatch(ch -> ch < 0x80) && !value.contains("[")) {
                    assertThat(rule.crdAccepts(value.strip())).as("%s '%s'", field, value).isEqualTo(validatorAccepts(field, value));
                    assertThat(validatorAccepts(field, value.strip())).isEqualTo(validatorAccepts(field, value));
                }
            }
        }
    }

    @Test
    void nonAsciiLocalPartsAgreeExactly() {
        // Beyond ASCII the CRD cannot judge domains (IDNA), but a local part it judges as the validator does.
        for (Field field : List.of(Field.MAIL_FROM, Field.RCPT_TO)) {
            Rule rule = RULES.stream().filter(r -> r.field() == field).findFirst().orElseThrow();
            for (String value : CASES.get(field)) {
                String domain = value.substring(value.lastIndexOf('@') + 1);
                if (value.contains("@") && !value.chars().allMatch(ch -> ch < 0x80) && domain.chars().allMatch(ch -> ch < 0x80)) {
                    assertThat(rule.crdAccepts(value)).as("%s '%s'", field, value).isEqualTo(validatorAccepts(field, value));
                }
            }
        }
    }

    /** The CEL rule on local part octets, as Java, against the validator at the limit and one over. */
    @Test
    void theLocalPartRuleCountsUtf8OctetsAsTheValidatorDoes() throws IOException {
        var spec = CustomResourceDefinitionTest.load(CustomResourceDefinitionTest.COMMITTED).getSpec().getVersions().get(0)
                .getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties();
        assertThat(spec.get("mailFrom").getXKubernetesValidations()).extracting(r -> r.getRule())
                .containsExactly(WireText.LOCAL_PART_OCTETS_OF_SELF);
        assertThat(spec.get("rcptTo").getXKubernetesValidations()).extracting(r -> r.getRule())
                .containsExactly("self.all(r, " + WireText.LOCAL_PART_OCTETS_OF_R + ")");
        for (String local : List.of("a".repeat(64), "a".repeat(65), "ü".repeat(32), "ü".repeat(31) + "ab", "ü".repeat(31) + "abc",
                "用".repeat(21) + "a", "用".repeat(22))) {
            String mailbox = local + "@contoso.test";
            boolean cel = local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 64;
            for (Field field : List.of(Field.MAIL_FROM, Field.RCPT_TO)) {
                assertThat(validatorAccepts(field, mailbox)).as("%s %s", field, mailbox).isEqualTo(cel);
            }
        }
    }

    @Test
    void theCrdHasTheValidatorsLimits() throws IOException {
        var spec = CustomResourceDefinitionTest.load(CustomResourceDefinitionTest.COMMITTED).getSpec().getVersions().get(0)
                .getSchema().getOpenAPIV3Schema().getProperties().get("spec").getProperties();
        assertThat(spec.get("domains").getMaxItems()).isEqualTo(RequestValidator.MAX_DOMAINS);
        assertThat(spec.get("servers").getMaxItems()).isEqualTo(RequestValidator.MAX_SERVERS);
        assertThat(spec.get("rcptTo").getMaxItems()).isEqualTo(RequestValidator.MAX_RECIPIENTS);
        assertThat(spec.get("domains").getItems().getSchema().getMaxLength()).isEqualTo(RequestValidator.MAX_DOMAIN_LENGTH);
        assertThat(spec.get("servers").getItems().getSchema().getMaxLength()).isEqualTo(RequestValidator.MAX_SERVER_LENGTH);
        assertThat(spec.get("rcptTo").getItems().getSchema().getMaxLength()).isEqualTo(RequestValidator.MAX_ADDRESS_LENGTH);
        assertThat(spec.get("mailFrom").getMaxLength()).isEqualTo(RequestValidator.MAX_ADDRESS_LENGTH);
        assertThat(spec.get("ehloName").getMaxLength()).isEqualTo(RequestValidator.MAX_EHLO_LENGTH);
        Map<String, JSONSchemaProps> data = spec.get("data").getProperties();
        assertThat(data.get("subject").getMaxLength()).isEqualTo(RequestValidator.MAX_SUBJECT_LENGTH);
        assertThat(data.get("body").getMaxLength()).isEqualTo(RequestValidator.MAX_BODY_LENGTH);
        spec.get("timeouts").getProperties().values()
                .forEach(t -> assertThat(t.getMaxLength()).isEqualTo(RequestValidator.MAX_DURATION_LENGTH));
        assertThat(spec.get("port").getMinimum().intValue()).isEqualTo(1);
        assertThat(spec.get("port").getMaximum().intValue()).isEqualTo(65535);
    }

    /** The spec-level CEL rules, as Java, against the validator on the same specs. */
    @Test
    void theCelRulesAgreeWithTheValidator() throws IOException {
        var rules = CustomResourceDefinitionTest.load(CustomResourceDefinitionTest.COMMITTED).getSpec().getVersions().get(0)
                .getSchema().getOpenAPIV3Schema().getProperties().get("spec").getXKubernetesValidations();
        assertThat(rules).extracting(r -> r.getRule()).containsExactly(
                "(has(self.domains) && size(self.domains) > 0) || (has(self.servers) && size(self.servers) > 0)",
                "(has(self.domains) && size(self.domains) > 0) || (has(self.rcptTo) && size(self.rcptTo) > 0)");
        for (List<String> domains : List.of(List.<String>of(), List.of("contoso.test"))) {
            for (List<String> servers : List.of(List.<String>of(), List.of("127.0.0.1:2525"))) {
                for (List<String> rcptTo : List.of(List.<String>of(), List.of("user@contoso.test"))) {
                    boolean cel = (!domains.isEmpty() || !servers.isEmpty()) && (!domains.isEmpty() || !rcptTo.isEmpty());
                    var input = new ProbeInput().addAll(Field.DOMAINS, domains).addAll(Field.SERVER, servers).addAll(Field.RCPT_TO, rcptTo);
                    assertThat(accepts(input)).as("domains=%s servers=%s rcptTo=%s", domains, servers, rcptTo).isEqualTo(cel);
                }
            }
        }
    }

    static boolean validatorAccepts(Field field, String value) {
        var input = new ProbeInput().add(field, value);
        if (field != Field.DOMAINS) {
            input.add(Field.DOMAINS, "contoso.test");
        }
        return accepts(input);
    }

    static boolean accepts(ProbeInput input) {
        try {
            RequestValidator.validate(input, RequestDefaults.CHECK);
            return true;
        } catch (InvalidRequestException e) {
            return false;
        }
    }
}
