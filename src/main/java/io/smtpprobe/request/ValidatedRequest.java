package io.smtpprobe.request;

import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeRequest;

/** What to probe, and what a healthy answer is ({@link Expectation#NONE} when the input names none). */
public record ValidatedRequest(ProbeRequest request, Expectation expectation) {
}
