package io.smtpprobe.operator;

import io.smtpprobe.probe.ProbeRequest;
import java.time.Duration;

/** A validated spec: what to probe and how often. */
public record ProbePlan(ProbeRequest request, Duration interval) {
}
