package io.smtpprobe.core;

/** The steps of the manual telnet procedure, in the order a probe walks them. */
public enum Stage {
    Dns("DNS"),
    Connect("CONNECT"),
    /**
     * The TLS handshake of implicit TLS (port 465), after TCP connected and before the banner. Its own
     * stage because no STARTTLS was sent, and a failure here is not a failed TCP connect. The handshake
     * after STARTTLS stays in {@link #StartTls}: it answers that command. Placed in walking order;
     * nothing depends on ordinals before {@link #RcptTo}.
     */
    TlsHandshake("TLS"),
    Banner("BANNER"),
    Ehlo("EHLO"),
    Helo("HELO"),
    StartTls("STARTTLS"),
    /** AUTH (RFC 4954) of a submission probe, after TLS and before MAIL FROM. */
    Auth("AUTH"),
    MailFrom("MAIL"),
    RcptTo("RCPT"),
    Data("DATA"),
    Quit("QUIT");

    private final String command;

    Stage(String command) {
        this.command = command;
    }

    /**
     * The step as a mail admin names it reading a telnet session: the SMTP verb (RFC 5321 calls
     * them the MAIL and RCPT commands), or the step before any command was sent.
     */
    public String command() {
        return command;
    }
}
