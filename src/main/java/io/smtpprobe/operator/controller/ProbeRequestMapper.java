package io.smtpprobe.operator.controller;

import io.smtpprobe.api.v1alpha1.Expect;
import io.smtpprobe.api.v1alpha1.ExpectedReason;
import io.smtpprobe.api.v1alpha1.MessageData;
import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.engine.GreylistRetry;
import io.smtpprobe.request.Durations;
import io.smtpprobe.request.Field;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.request.InvalidRequestException;
import io.smtpprobe.request.ProbeInput;
import io.smtpprobe.request.RandomLocalPart;
import io.smtpprobe.request.RequestDefaults;
import io.smtpprobe.request.RequestValidator;
import io.smtpprobe.request.ValidatedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a spec into a probe plan through the same validator as {@code check} and the REST API.
 * The CRD schema checks most of this already, but it can be bypassed (an older CRD, a server
 * without CEL) and these strings end up on an SMTP command line, where a CR or LF would let a
 * resource author inject commands.
 */
public final class ProbeRequestMapper {
    private static final String DEFAULT_INTERVAL = "5m";

    private static final Duration DEFAULT_GREYLIST_RETRY = Duration.ofMinutes(5);

    private final RequestDefaults defaults;
    private final Duration minInterval;
    private final Duration defaultGreylistRetry;

    public ProbeRequestMapper(String defaultEhloName, String defaultMailFrom, Duration minInterval) {
        this(defaultEhloName, defaultMailFrom, minInterval, DEFAULT_GREYLIST_RETRY);
    }

    public ProbeRequestMapper(String defaultEhloName, String defaultMailFrom, Duration minInterval, Duration defaultGreylistRetry) {
        // An SmtpProbe without notify sends no NOTIFY, and a message without subject or body leaves them empty.
        this.defaults = new RequestDefaults(25, defaultEhloName, defaultMailFrom, Set.of(), "", "", Timeouts.DEFAULT);
        this.minInterval = minInterval;
        this.defaultGreylistRetry = defaultGreylistRetry;
    }

    public ProbePlan map(SmtpProbeSpec spec) throws InvalidSpecException {
        return map(spec, null);
    }

    /**
     * @param login the credentials read from {@code spec.auth.secretRef} at probe time, judged by the
     *              same validator as {@code check}'s; null before they are read (or for an anonymous probe)
     */
    public ProbePlan map(SmtpProbeSpec spec, Credentials login) throws InvalidSpecException {
        if (spec == null) {
            throw new InvalidSpecException(List.of("spec: is required"));
        }
        var problems = new ArrayList<String>();
        ValidatedRequest request = null;
        if (spec.getExpect() != null && spec.getExpect().getReasons() == null && spec.getExpect().getCode() == null
                && spec.getExpect().getEnhancedCode() == null) {
            problems.add("spec.expect: needs at least one of reasons, code or enhancedCode");
        } else if (spec.getExpect() != null && spec.getExpect().getReasons() != null && spec.getExpect().getReasons().isEmpty()) {
            problems.add("spec.expect.reasons: needs at least one reason");
        }
        try {
            var input = input(spec);
            if (login != null) {
                input.add(Field.AUTH_USER, login.username()).add(Field.AUTH_PASSWORD, login.password());
            }
            request = RequestValidator.validateExpecting(input, defaults);
        } catch (InvalidRequestException e) {
            e.problems().forEach(p -> problems.add(p.fieldName(ProbeRequestMapper::specField)
                    + (p.index() >= 0 ? "[" + p.index() + "]" : "") + ": " + p.message()));
        }
        Duration interval = interval(spec.getInterval(), problems);
        Duration greylistRetry = greylistRetry(spec.getGreylistRetry(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        var probe = request.request().withGreylistRetry(GreylistRetry.boundedBy(greylistRetry, interval));
        List<String> shortened = new ArrayList<>();
        probe = totalWithin(probe, spec.getTimeouts(), interval, shortened);
        // Room for a greylist retry that waited a whole interval, and its dialogue; never a whole run more.
        Duration maxRun = interval.plus(probe.options().timeouts().total());
        if (spec.getTimeouts() != null && spec.getTimeouts().getRun() != null && probe.runDeadline().compareTo(maxRun) > 0) {
            shortened.add(specField(Field.RUN_TIMEOUT) + " " + spec.getTimeouts().getRun()
                    + " is longer than spec.interval plus spec.timeouts.total; shortened to " + Durations.format(maxRun));
        }
        probe = probe.withRunTimeout(GreylistRetry.boundedBy(probe.runDeadline(), maxRun));
        return new ProbePlan(withWarnings(probe, shortened), interval, request.expectation());
    }

    /**
     * A dialogue longer than the interval would hold the probe's slot when the next probe is due:
     * its deadline is shortened to the interval, like greylistRetry, and the status says so.
     * Shortened rather than refused, because the API server fills in total's default (2m) even
     * beside a 1m interval.
     */
    private static io.smtpprobe.core.ProbeRequest totalWithin(io.smtpprobe.core.ProbeRequest r, ProbeTimeouts spec,
                                                              Duration interval, List<String> shortened) {
        Timeouts t = r.options().timeouts();
        if (t.total().compareTo(interval) <= 0) {
            return r;
        }
        if (spec != null && spec.getTotal() != null) {
            shortened.add(specField(Field.TIMEOUT) + " " + spec.getTotal() + " is longer than spec.interval; shortened to "
                    + Durations.format(interval));
        }
        var o = r.options();
        var options = o.withTimeouts(new Timeouts(t.connect(), t.command(), interval));
        return new io.smtpprobe.core.ProbeRequest(r.domains(), r.servers(), r.port(), r.mxPolicy(), options, r.greylistRetry(),
                r.warnings(), r.runTimeout(), r.transportSecurity());
    }

    private static io.smtpprobe.core.ProbeRequest withWarnings(io.smtpprobe.core.ProbeRequest r, List<String> more) {
        if (more.isEmpty()) {
            return r;
        }
        List<String> warnings = new ArrayList<>(r.warnings());
        warnings.addAll(more);
        return new io.smtpprobe.core.ProbeRequest(r.domains(), r.servers(), r.port(), r.mxPolicy(), r.options(), r.greylistRetry(),
                warnings, r.runTimeout(), r.transportSecurity());
    }

    /** The spec as untrusted text: enums by name, so the validator judges them like any other input. */
    static ProbeInput input(SmtpProbeSpec spec) {
        var input = new ProbeInput();
        input.addAll(Field.DOMAINS, listOf(spec.getDomains()));
        input.addAll(Field.SERVER, listOf(spec.getServers()));
        addIfSet(input, Field.PORT, spec.getPort());
        addIfSet(input, Field.MX_POLICY, spec.getMxPolicy());
        addIfSet(input, Field.TRANSPORT_SECURITY, spec.getTransportSecurity());
        addIfSet(input, Field.EHLO, spec.getEhloName());
        addIfSet(input, Field.MAIL_FROM, spec.getMailFrom());
        // A new token on every mapping: the spec is mapped again for each probe it starts.
        input.addAll(Field.RCPT_TO, listOf(spec.getRcptTo()).stream().map(ProbeRequestMapper::fillRandom).toList());
        List<? extends Enum<?>> notify = listOf(spec.getNotify());
        if (!notify.isEmpty()) {
            // An unknown value arrives as null and is refused by name.
            input.add(Field.NOTIFY, String.join(",", notify.stream().map(n -> Objects.toString(n, "")).toList()));
        }
        addIfSet(input, Field.TLS, spec.getTls());
        addIfSet(input, Field.INSECURE, spec.getInsecureSkipVerify());
        MessageData data = spec.getData();
        if (data != null) {
            input.add(Field.DATA, "true");
            addIfSet(input, Field.SUBJECT, data.getSubject());
            addIfSet(input, Field.BODY, data.getBody());
        }
        Expect expect = spec.getExpect();
        if (expect != null) {
            // One value per entry, so a problem names its index. An unknown value arrives as null and
            // is refused by name, with the list of valid ones.
            List<ExpectedReason> reasons = listOf(expect.getReasons());
            input.addAll(Field.EXPECT, reasons.stream().map(r -> Objects.toString(r, "")).toList());
            addIfSet(input, Field.EXPECT_CODE, expect.getCode());
            addIfSet(input, Field.EXPECT_ENHANCED, expect.getEnhancedCode());
        }
        ProbeTimeouts timeouts = spec.getTimeouts();
        if (timeouts != null) {
            addIfSet(input, Field.CONNECT_TIMEOUT, timeouts.getConnect());
            addIfSet(input, Field.COMMAND_TIMEOUT, timeouts.getCommand());
            addIfSet(input, Field.TIMEOUT, timeouts.getTotal());
            addIfSet(input, Field.RUN_TIMEOUT, timeouts.getRun());
        }
        var auth = spec.getAuth();
        if (auth != null) {
            addIfSet(input, Field.AUTH_MECHANISM, auth.getMechanism());
            input.add(Field.AUTH_ALLOW_PLAINTEXT, Boolean.toString(Boolean.TRUE.equals(auth.getAllowPlaintext())));
        }
        return input;
    }

    /** How the spec names a field, for messages in status and Events. */
    public static String specField(Field field) {
        return switch (field) {
            case DOMAINS -> "spec.domains";
            case SERVER -> "spec.servers";
            case PORT -> "spec.port";
            case EHLO -> "spec.ehloName";
            case MAIL_FROM -> "spec.mailFrom";
            case RCPT_TO -> "spec.rcptTo";
            case NOTIFY -> "spec.notify";
            case TLS -> "spec.tls";
            case INSECURE -> "spec.insecureSkipVerify";
            case DATA -> "spec.data";
            case SUBJECT -> "spec.data.subject";
            case BODY -> "spec.data.body";
            case CONNECT_TIMEOUT -> "spec.timeouts.connect";
            case COMMAND_TIMEOUT -> "spec.timeouts.command";
            case TIMEOUT -> "spec.timeouts.total";
            case RUN_TIMEOUT -> "spec.timeouts.run";
            case MX_POLICY -> "spec.mxPolicy";
            case TRANSPORT_SECURITY -> "spec.transportSecurity";
            case EXPECT -> "spec.expect.reasons";
            case EXPECT_CODE -> "spec.expect.code";
            case EXPECT_ENHANCED -> "spec.expect.enhancedCode";
            case AUTH_USER -> "spec.auth.secretRef key " + AuthSecrets.USERNAME_KEY;
            case AUTH_PASSWORD -> "spec.auth.secretRef key " + AuthSecrets.PASSWORD_KEY;
            case AUTH_MECHANISM -> "spec.auth.mechanism";
            case AUTH_ALLOW_PLAINTEXT -> "spec.auth.allowPlaintext";
        };
    }

    private Duration interval(String text, List<String> problems) {
        String field = "spec.interval";
        try {
            Duration interval = Durations.parse(field, Objects.requireNonNullElse(text, DEFAULT_INTERVAL));
            if (interval.compareTo(minInterval) < 0) {
                problems.add(field + ": " + text + " is shorter than the minimum " + minInterval.toSeconds() + "s");
            }
            return interval;
        } catch (InvalidInputException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static String fillRandom(String address) {
        return address == null ? null : RandomLocalPart.fill(address);
    }

    private Duration greylistRetry(String text, List<String> problems) {
        try {
            return text == null ? defaultGreylistRetry : Durations.parseOrOff("spec.greylistRetry", text);
        } catch (InvalidInputException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static void addIfSet(ProbeInput input, Field field, Object value) {
        if (value != null) {
            input.add(field, value instanceof Enum<?> e ? e.name() : value.toString());
        }
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list;
    }
}
