package io.smtpprobe.api.v1alpha1;

/**
 * A server's {@code stage} in the status (where the dialogue stopped) and the keys of its
 * {@code latencyMs}: the steps of the telnet procedure as the v1alpha1 schema names them.
 */
public enum Stage {
    Dns, Connect, TlsHandshake, Banner, Ehlo, Helo, StartTls, Auth, MailFrom, RcptTo, Data, Quit
}
