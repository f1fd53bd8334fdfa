package io.smtpprobe.operator.controller;

import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeRequest;
import java.time.Duration;

/** A validated spec: what to probe, how often, and what a healthy answer is. */
public record ProbePlan(ProbeRequest request, Duration interval, Expectation expectation) {
}
