package io.smtpprobe.core;

/**
 * An authenticated submission probe: AUTH after TLS, before MAIL FROM.
 *
 * @param credentials    null while the operator has not read its Secret yet (the spec names one)
 * @param mechanism      null: PLAIN when the server offers it, else LOGIN
 * @param allowPlaintext send AUTH without TLS too; off unless asked for, since PLAIN and LOGIN
 *                       carry the password in clear
 */
public record SmtpAuth(Credentials credentials, AuthMechanism mechanism, boolean allowPlaintext) {

    public SmtpAuth withCredentials(Credentials login) {
        return new SmtpAuth(login, mechanism, allowPlaintext);
    }
}
