package io.smtpprobe.core;

/** What DATA sends when a probe opts in to it. */
public record MessageContent(String subject, String body) {
}
