package io.smtpprobe.operator.config;

import java.time.Duration;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Certificate lifetimes are counted in days, which Go-style durations cannot spell ({@code 336h} for
 * two weeks): {@code 14d} is read as days, anything else as the other duration settings are.
 */
public class ExpiryWarningConverter implements Converter<Duration> {
    private static final Pattern DAYS = Pattern.compile("(\\d{1,5})d");

    @Override
    public Duration convert(String value) {
        var days = DAYS.matcher(value.strip());
        return days.matches() ? Duration.ofDays(Long.parseLong(days.group(1))) : new GoDurationConverter().convert(value);
    }
}
