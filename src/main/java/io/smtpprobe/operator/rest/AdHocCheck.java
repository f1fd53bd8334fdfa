package io.smtpprobe.operator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smtpprobe.cli.CheckArguments;
import io.smtpprobe.cli.CheckCommand;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.core.ProbeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /api/v1/checks}: the {@code check} command's options as a JSON object, so
 * both accept the same things and refuse them with the same messages. Keys are the long option names
 * without dashes ({@code "rcpt-to": ["user@contoso.test"]}, {@code "insecure": true}), arrays repeat
 * an option, and {@code "domains"} lists the DOMAIN arguments.
 */
final class AdHocCheck {
    /** The operator's resolver and egress policy apply to every caller; output is always the JSON report. */
    private static final Set<String> NOT_ALLOWED = Set.of("dns-server", "deny-network", "json", "help");
    private static final Set<String> FLAGS = Set.of("insecure", "data");

    private AdHocCheck() {
    }

    static ProbeRequest request(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("body", "expected a JSON object of check options");
        }
        var args = new ArrayList<String>();
        for (Map.Entry<String, JsonNode> option : iterable(body)) {
            String key = option.getKey();
            JsonNode value = option.getValue();
            if (key.equals("domains")) {
                for (String domain : values(key, value)) {
                    // A leading dash would be read as an option, e.g. a smuggled --dns-server.
                    if (domain.startsWith("-")) {
                        throw new InvalidInputException("domains", "'" + domain + "' is not a domain");
                    }
                    args.add(domain);
                }
            } else if (NOT_ALLOWED.contains(key) || !key.matches("[a-z][a-z-]*")) {
                throw new InvalidInputException(key, "not accepted by the API (the operator's resolver and egress policy apply)");
            } else if (FLAGS.contains(key)) {
                if (!value.isBoolean()) {
                    throw new InvalidInputException(key, "expected true or false");
                }
                if (value.booleanValue()) {
                    args.add("--" + key);
                }
            } else {
                for (String v : values(key, value)) {
                    args.add("--" + key);
                    args.add(v);
                }
            }
        }
        return CheckCommand.request(CheckArguments.parse(args.toArray(String[]::new)));
    }

    private static List<String> values(String key, JsonNode value) {
        var out = new ArrayList<String>();
        if (value.isArray()) {
            value.forEach(v -> out.add(scalar(key, v)));
        } else {
            out.add(scalar(key, value));
        }
        return out;
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
