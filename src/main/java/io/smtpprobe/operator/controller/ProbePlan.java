package io.smtpprobe.operator.controller;

import io.smtpprobe.core.ProbeRequest;
import java.time.Duration;

/** A validated spec: what to probe and how often. */
public record ProbePlan(ProbeRequest request, Duration interval) {
}
