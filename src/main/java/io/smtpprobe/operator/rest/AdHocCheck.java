package io.smtpprobe.operator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smtpprobe.request.Field;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.request.ProbeInput;
import io.smtpprobe.request.RandomLocalPart;
import io.smtpprobe.request.RequestDefaults;
import io.smtpprobe.request.RequestValidator;
import io.smtpprobe.request.ValidatedRequest;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/checks}: the {@code check} command's options as a JSON object,
 * judged by the same validator with the same defaults. Keys are the long option names without
 * dashes ({@code "rcpt-to": ["user@contoso.test"]}, {@code "insecure": true}), arrays repeat an
 * option, and {@code "domains"} lists the DOMAIN arguments. {@code "expect"} (an array of reasons),
 * {@code "expect-code"} and {@code "expect-enhanced"} add the expectation to the answer, as with {@code check}.
 */
final class AdHocCheck {
    /** The operator's resolver and egress policy apply to every caller; output is always the JSON report. */
    private static final Set<String> NOT_ALLOWED = Set.of("dns-server", "deny-network", "json", "help");
    private static final Set<Field> FLAGS = Set.of(Field.INSECURE, Field.DATA);

    private AdHocCheck() {
    }

    /** Throws {@link InvalidInputException} for a malformed body, {@code InvalidRequestException} for invalid values. */
    static ValidatedRequest request(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("body", "expected a JSON object of check options");
        }
        var input = new ProbeInput();
        for (Map.Entry<String, JsonNode> option : iterable(body)) {
            String key = option.getKey();
            JsonNode value = option.getValue();
            Field field = Field.byKey(key);
            if (NOT_ALLOWED.contains(key)) {
                throw new InvalidInputException(key, "not accepted by the API (the operator's resolver and egress policy apply)");
            }
            if (field == null) {
                throw new InvalidInputException(key, "unknown option");
            }
            if (field.isAuth()) {
                // a password in a request body ends up in proxies' and clients' logs; an SmtpProbe names a Secret
                throw new InvalidInputException(key, "not accepted by the API (authenticated probes are SmtpProbes with spec.auth)");
            }
            if (FLAGS.contains(field)) {
                if (!value.isBoolean()) {
                    throw new InvalidInputException(key, "expected true or false");
                }
                input.add(field, Boolean.toString(value.booleanValue()));
            } else if (value.isArray()) {
                value.forEach(v -> input.add(field, filled(field, scalar(key, v))));
            } else {
                input.add(field, filled(field, scalar(key, value)));
            }
        }
        return RequestValidator.validateExpecting(input, RequestDefaults.CHECK);
    }

    /** The API names a field by its JSON key. */
    static String key(Field field) {
        return field.key();
    }

    /** As with {@code check --rcpt-to}, {@code {random}} in a recipient's local part is a fresh token. */
    private static String filled(Field field, String value) {
        return field == Field.RCPT_TO ? RandomLocalPart.fill(value) : value;
    }

    private static String scalar(String key, JsonNode v) {
        if (!v.isTextual() && !v.isNumber()) {
            throw new InvalidInputException(key, "expected a string or number");
        }
        return v.asText();
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode body) {
        return body::fields;
    }
}
