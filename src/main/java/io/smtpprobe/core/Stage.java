package io.smtpprobe.core;

/** The steps of the manual telnet procedure, in the order a probe walks them. */
public enum Stage {
    Dns("DNS"),
    Connect("CONNECT"),
    Banner("BANNER"),
    Ehlo("EHLO"),
    Helo("HELO"),
    StartTls("STARTTLS"),
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
