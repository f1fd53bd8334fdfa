package io.smtpprobe.operator.config;

import io.smtpprobe.request.Durations;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Settings take durations as {@code spec.interval} and the CLI do ({@code 500ms}, {@code 30s},
 * {@code 1h30m}), through the same parser, so a value means the same wherever it is written and
 * whoever reads it: Quarkus' converter also takes ISO-8601 and bare seconds, and a plain SmallRye
 * config (tests) only ISO-8601.
 */
public class GoDurationConverter implements Converter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.parse("duration setting", value.strip());
    }
}
