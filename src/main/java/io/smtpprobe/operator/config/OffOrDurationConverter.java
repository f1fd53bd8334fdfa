package io.smtpprobe.operator.config;

import io.smtpprobe.request.Durations;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.Converter;

/** A duration as {@link GoDurationConverter} reads it, where {@code 0s} means "off". */
public class OffOrDurationConverter implements Converter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.parseOrOff("duration setting", value.strip());
    }
}
