package io.smtpprobe.request;

import io.smtpprobe.core.AuthMechanism;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.TransportSecurityMode;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.SmtpAuth;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one validator: the {@code check} command, the REST API and SmtpProbe resources all turn
 * their input into a {@link ProbeRequest} here, so they accept and refuse the same things with
 * the same limits. Every problem is collected, in field order, before anything is refused.
 */
public final class RequestValidator {
    public static final int MAX_DOMAINS = 100;
    public static final int MAX_SERVERS = 100;
    public static final int MAX_RECIPIENTS = 10;
    /*
     * Limits on the text as given, in characters (code points, as the API server counts a CRD's
     * maxLength), which the CRD repeats. For names they are the longest text that can pass the
     * RFC 5321 limits, which are in octets of the wire form (NameLimits); names are judged by
     * those, so that a long name is told its octet count.
     */
    /** A mailbox without angle brackets: a path is 256 octets with them. */
    public static final int MAX_ADDRESS_LENGTH = NameLimits.MAILBOX_OCTETS;
    /** 253 octets in A-label form, plus an optional root dot. */
    public static final int MAX_DOMAIN_LENGTH = NameLimits.DOMAIN_OCTETS + 1;
    public static final int MAX_EHLO_LENGTH = MAX_DOMAIN_LENGTH;
    /** A host name plus brackets and a port. */
    public static final int MAX_SERVER_LENGTH = 261;
    public static final int MAX_SUBJECT_LENGTH = 200;
    public static final int MAX_BODY_LENGTH = 10_000;
    public static final int MAX_DURATION_LENGTH = 32;
    /** Repeated {@code --expect} options, each a comma-separated list. */
    public static final int MAX_EXPECTED_REASON_LISTS = 64;
    /*
     * Upper bounds on the deadlines. A probe holds a connection, a per-server permit and one of the
     * operator's probe slots while it waits; these are far above anything a working server needs
     * (Postfix answers in milliseconds, RFC 5321 §4.5.3.2 suggests 5 minutes for the slowest reply).
     */
    public static final Duration MAX_CONNECT_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration MAX_COMMAND_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration MAX_RUN_TIMEOUT = ProbeRequest.MAX_RUN_TIMEOUT;
    /** Only against huge input: far above every name's octet limit. */
    private static final int MAX_NAME_INPUT = 1024;

    private final List<Problem> problems = new ArrayList<>();
    /** A name used in several fields is warned about once. */
    private final Set<String> warnings = new LinkedHashSet<>();
    private final ProbeInput input;

    private RequestValidator(ProbeInput input) {
        this.input = input;
    }

    public static ProbeRequest validate(ProbeInput input, RequestDefaults defaults) {
        return new RequestValidator(input).request(defaults);
    }

    private ProbeRequest request(RequestDefaults defaults) {
        List<String> domains = each(Field.DOMAINS, MAX_DOMAINS);
        List<HostPort> servers = each(Field.SERVER, MAX_SERVERS);
        if (input.all(Field.DOMAINS).isEmpty() && input.all(Field.SERVER).isEmpty()) {
            problems.add(new Problem(Field.DOMAINS, Field.SERVER, -1, "at least one is required"));
        }
        Integer port = single(Field.PORT);
        String ehlo = single(Field.EHLO);
        String mailFrom = single(Field.MAIL_FROM);
        List<String> rcptTo = each(Field.RCPT_TO, MAX_RECIPIENTS);
        if (input.all(Field.DOMAINS).isEmpty() && input.all(Field.RCPT_TO).isEmpty() && !input.all(Field.SERVER).isEmpty()) {
            problems.add(Problem.of(Field.RCPT_TO, -1, "required when no domain is given"));
        }
        Set<Notify> notify = single(Field.NOTIFY);
        TlsMode tls = single(Field.TLS);
        Boolean insecure = single(Field.INSECURE);
        Boolean data = single(Field.DATA);
        String subject = single(Field.SUBJECT);
        String body = single(Field.BODY);
        Duration connect = single(Field.CONNECT_TIMEOUT);
        Duration command = single(Field.COMMAND_TIMEOUT);
        Duration total = single(Field.TIMEOUT);
        Duration run = single(Field.RUN_TIMEOUT);
        MxPolicy mxPolicy = single(Field.MX_POLICY);
        SmtpAuth auth = auth(tls);
        TransportSecurityMode transportSecurity = single(Field.TRANSPORT_SECURITY);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }

        tls = or(tls, TlsMode.Opportunistic);
        if (port == null) {
            // Implicit TLS has a port of its own (465), unless every server names its port anyway.
            boolean serverNamesPort = false;
            for (HostPort server : servers) {
                serverNamesPort |= server.port() != null;
            }
            port = tls == TlsMode.Implicit && !serverNamesPort ? RequestDefaults.IMPLICIT_TLS_PORT : defaults.port();
        }
        Timeouts timeouts = new Timeouts(or(connect, defaults.timeouts().connect()),
                or(command, defaults.timeouts().command()), or(total, defaults.timeouts().total()));
        MessageContent message = Boolean.TRUE.equals(data)
                ? new MessageContent(or(subject, defaults.subject()), or(body, defaults.body()))
                : null;
        ProbeOptions options = new ProbeOptions(or(ehlo, defaults.ehloName()), or(mailFrom, defaults.mailFrom()), rcptTo,
                or(notify, defaults.dsnNotify()), tls, Boolean.TRUE.equals(insecure), message, timeouts, Limits.DEFAULT, auth);
        return new ProbeRequest(domains, servers, port, or(mxPolicy, MxPolicy.Preferred), options, Duration.ZERO,
                List.copyOf(warnings), run, or(transportSecurity, TransportSecurityMode.Evaluate));
    }

    /**
     * AUTH settings, or null for an anonymous probe. A user needs a password and the other way round;
     * mechanism and plaintext permission alone are a spec whose Secret is read later, at probe time.
     * PLAIN and LOGIN carry the password in clear, so TLS disabled needs plaintext AUTH allowed.
     */
    private SmtpAuth auth(TlsMode tls) {
        String user = single(Field.AUTH_USER);
        String password = single(Field.AUTH_PASSWORD);
        AuthMechanism mechanism = single(Field.AUTH_MECHANISM);
        Boolean allowPlaintext = single(Field.AUTH_ALLOW_PLAINTEXT);
        if (input.has(Field.AUTH_USER) && !input.has(Field.AUTH_PASSWORD)) {
            problems.add(Problem.of(Field.AUTH_PASSWORD, -1, "required with a user name"));
        } else if (input.has(Field.AUTH_PASSWORD) && !input.has(Field.AUTH_USER)) {
            problems.add(Problem.of(Field.AUTH_USER, -1, "required with a password"));
        }
        boolean wanted = input.has(Field.AUTH_USER) || input.has(Field.AUTH_PASSWORD) || input.has(Field.AUTH_MECHANISM)
                || input.has(Field.AUTH_ALLOW_PLAINTEXT);
        if (!wanted) {
            return null;
        }
        if (tls == TlsMode.Disabled && !Boolean.TRUE.equals(allowPlaintext)) {
            problems.add(Problem.of(Field.AUTH_ALLOW_PLAINTEXT, -1, "AUTH is sent only over TLS: with TLS disabled,"
                    + " plaintext AUTH must be allowed explicitly (PLAIN and LOGIN carry the password in clear)"));
        }
        Credentials login = user != null && password != null ? new Credentials(user, password) : null;
        return new SmtpAuth(login, mechanism, Boolean.TRUE.equals(allowPlaintext));
    }

    /**
     * The request and its {@link Expectation}: every problem of both is listed before anything is
     * refused. {@link #validate} leaves the expectation fields unjudged, for callers that have no
     * use for one.
     */
    public static ValidatedRequest validateExpecting(ProbeInput input, RequestDefaults defaults) {
        var validator = new RequestValidator(input);
        ProbeRequest request = null;
        try {
            request = validator.request(defaults);
        } catch (InvalidRequestException e) {
            // its problems are the validator's own list: the expectation's are added to them below
        }
        Expectation expectation = validator.expectation();
        if (!validator.problems.isEmpty()) {
            throw new InvalidRequestException(validator.problems);
        }
        return new ValidatedRequest(request, expectation);
    }

    private Expectation expectation() {
        List<Set<Reason>> lists = each(Field.EXPECT, MAX_EXPECTED_REASON_LISTS);
        Integer code = single(Field.EXPECT_CODE);
        String enhanced = single(Field.EXPECT_ENHANCED);
        if (code != null && enhanced != null && enhanced.charAt(0) - '0' != code / 100) {
            problems.add(Problem.of(Field.EXPECT_ENHANCED, -1,
                    "enhanced code " + enhanced + " has class " + enhanced.charAt(0) + " but reply code " + code
                            + " has class " + code / 100 + ": no reply carries both"));
            return null;
        }
        Set<Reason> reasons = EnumSet.noneOf(Reason.class);
        lists.forEach(reasons::addAll);
        return new Expectation(reasons, code, enhanced);
    }

    /**
     * One value of a field, parsed; throws {@link InvalidInputException}. A switch rather than a
     * table of lambdas: {@code check} runs this once per process, where each lambda costs class spinning.
     */
    private static Object parse(Field field, String value) {
        String f = field.key();
        return switch (field) {
            case DOMAINS -> InputValidator.domain(f, value);
            case SERVER -> InputValidator.server(f, value);
            case PORT -> InputValidator.port(f, value);
            case EHLO -> InputValidator.ehloName(f, value);
            case MAIL_FROM -> InputValidator.reversePath(f, value);
            case RCPT_TO -> InputValidator.address(f, value);
            case NOTIFY -> notify(f, value);
            case TLS -> enumValue(f, value, TlsMode.class);
            case INSECURE, DATA -> flag(f, value);
            case SUBJECT -> InputValidator.line(f, value);
            case BODY -> InputValidator.body(f, value);
            case CONNECT_TIMEOUT -> Durations.parseAtMost(f, value, MAX_CONNECT_TIMEOUT);
            case COMMAND_TIMEOUT -> Durations.parseAtMost(f, value, MAX_COMMAND_TIMEOUT);
            case TIMEOUT -> Durations.parseAtMost(f, value, MAX_TIMEOUT);
            case RUN_TIMEOUT -> Durations.parseAtMost(f, value, MAX_RUN_TIMEOUT);
            case MX_POLICY -> enumValue(f, value, MxPolicy.class);
            case TRANSPORT_SECURITY -> enumValue(f, value, TransportSecurityMode.class);
            case EXPECT -> ExpectationInput.reasons(f, value);
            case EXPECT_CODE -> ExpectationInput.code(f, value);
            case EXPECT_ENHANCED -> ExpectationInput.enhancedCode(f, value);
            case AUTH_USER, AUTH_PASSWORD -> AuthInput.credential(f, value);
            case AUTH_MECHANISM -> enumValue(f, value, AuthMechanism.class);
            case AUTH_ALLOW_PLAINTEXT -> flag(f, value);
        };
    }

    static int maxLength(Field field) {
        return switch (field) {
            case DOMAINS, EHLO, MAIL_FROM, RCPT_TO -> MAX_NAME_INPUT;
            case SERVER -> MAX_SERVER_LENGTH;
            case SUBJECT -> MAX_SUBJECT_LENGTH;
            case BODY -> MAX_BODY_LENGTH;
            case CONNECT_TIMEOUT, COMMAND_TIMEOUT, TIMEOUT, RUN_TIMEOUT -> MAX_DURATION_LENGTH;
            case EXPECT -> ExpectationInput.MAX_REASONS_LENGTH;
            case AUTH_USER, AUTH_PASSWORD -> AuthInput.MAX_OCTETS;
            default -> Integer.MAX_VALUE;
        };
    }

    private <T> List<T> each(Field field, int maxCount) {
        List<String> values = input.all(field);
        if (values.size() > maxCount) {
            problems.add(Problem.of(field, -1, "at most " + maxCount + " allowed, got " + values.size()));
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            T parsed = checked(field, i, values.get(i));
            if (parsed != null) {
                out.add(parsed);
            }
        }
        return out;
    }

    private <T> T single(Field field) {
        return input.has(field) ? checked(field, -1, input.last(field)) : null;
    }

    @SuppressWarnings("unchecked")
    private <T> T checked(Field field, int index, String value) {
        try {
            // Control characters first: they are the attack, and the message should say so. A body
            // may hold line breaks; its parser refuses every other control character.
            if (field != Field.BODY) {
                InputValidator.rejectControl(field.key(), value);
            }
            if (value.codePointCount(0, value.length()) > maxLength(field)) {
                problems.add(Problem.of(field, index, "longer than " + maxLength(field) + " characters"));
                return null;
            }
            Object parsed = parse(field, value);
            warnings.addAll(Homographs.of(field, parsed));
            return (T) parsed;
        } catch (InvalidInputException e) {
            problems.add(Problem.of(field, index, e.problem()));
            return null;
        }
    }

    static Set<Notify> notify(String field, String value) {
        Set<Notify> out = EnumSet.noneOf(Notify.class);
        for (String part : value.split(",", -1)) {
            out.add(enumValue(field, part, Notify.class));
        }
        if (out.contains(Notify.NEVER) && out.size() > 1) {
            throw new InvalidInputException(field, "NEVER excludes SUCCESS, FAILURE and DELAY");
        }
        return out;
    }

    static Boolean flag(String field, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException(field, "expected true or false");
        };
    }

    static <E extends Enum<E>> E enumValue(String field, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new InvalidInputException(field, "invalid value '" + InputValidator.printable(value)
                + "' (one of " + String.join(", ", allowed) + ")");
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
