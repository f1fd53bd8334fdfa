package io.smtpprobe.core;

/** The steps of the manual telnet procedure, in the order a probe walks them. */
public enum Stage {
    Dns, Connect, Banner, Ehlo, Helo, StartTls, MailFrom, RcptTo, Data, Quit
}
