package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.AuthMechanism;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.SmtpAuth;
import io.smtpprobe.core.Stage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * AUTH (RFC 4954) of a submission probe, after TLS and before MAIL FROM: PLAIN (RFC 4616) with its
 * initial response, or LOGIN's two challenges. Both carry the password merely base64-encoded, so
 * AUTH goes only over TLS unless plaintext was explicitly allowed, only to a server whose
 * certificate verified unless certificate checks are off, and only with a mechanism the server
 * advertised. The transcript shows every line that carries the secret as
 * {@value Credentials#REDACTED}, and from the first AUTH on it scrubs the secret from whatever a
 * server might echo back.
 */
final class AuthSteps {

    private final DialogueState state;

    AuthSteps(DialogueState state) {
        this.state = state;
    }

    /** Credentials to send and no permission to send them in clear: a failed handshake is not retried in plaintext. */
    static boolean needsTls(ProbeOptions options) {
        SmtpAuth auth = options.auth();
        return auth != null && auth.credentials() != null && !auth.allowPlaintext();
    }

    Future<Void> authenticate() {
        SmtpAuth auth = state.options.auth();
        if (auth == null || auth.credentials() == null) {
            return Future.succeededFuture();
        }
        state.enter(Stage.Auth);
        if (!state.connection.socket().isSsl() && !auth.allowPlaintext()) {
            // the TLS steps went on without TLS (opportunistic, not offered): credentials make it required
            return refuse(Reason.StartTlsNotOffered, "AUTH not sent: this connection has no TLS, and PLAIN and LOGIN"
                    + " would carry the password in clear (plaintext AUTH must be allowed explicitly)");
        }
        if (state.tlsVerdict != null && state.tlsVerdict != Reason.Accepted && !state.options.insecure()) {
            // opportunistic TLS goes on over an unverified certificate, as an MTA does; a password
            // goes only where a mail client would send it: to a server that proved its name
            return refuse(state.tlsVerdict, "AUTH not sent: the server's certificate did not verify ("
                    + state.tls.verificationError() + "); credentials go only to a verified server unless"
                    + " certificate checks are off (insecure)");
        }
        List<String> offered = offeredMechanisms();
        if (offered == null) {
            return refuse(Reason.AuthenticationRequired, "the server did not advertise AUTH"
                    + (state.connection.socket().isSsl() ? "" : " without TLS") + ", so the login the credentials are"
                    + " for cannot take place");
        }
        AuthMechanism mechanism = choose(auth.mechanism(), offered);
        if (mechanism == null) {
            String wanted = auth.mechanism() == null ? "PLAIN or LOGIN" : auth.mechanism().name();
            return refuse(Reason.AuthenticationRequired, "the server offers AUTH " + String.join(" ", offered)
                    + ", not " + wanted + ", so the login the credentials are for cannot take place");
        }
        Credentials login = auth.credentials();
        state.transcript.redact(login.secretForms());
        return (mechanism == AuthMechanism.PLAIN ? plain(login) : login(login))
                .compose(reply -> state.expect(reply, 235));
    }

    /** RFC 4616 with the initial response of RFC 4954 4: one command, one reply. */
    private Future<Reply> plain(Credentials login) {
        return state.sendSecret(Commands.authPlain(login), "AUTH PLAIN " + Credentials.REDACTED);
    }

    /** LOGIN: the server asks for the user name, then the password, each answered in base64. */
    private Future<Reply> login(Credentials login) {
        return state.send("AUTH LOGIN")
                .compose(reply -> state.expect(reply, 334))
                .compose(v -> state.sendSecret(Commands.base64(login.username()), Credentials.REDACTED))
                .compose(reply -> state.expect(reply, 334))
                .compose(v -> state.sendSecret(Commands.base64(login.password()), Credentials.REDACTED));
    }

    private Future<Void> refuse(Reason reason, String refusal) {
        state.transcript.info(refusal);
        return Future.failedFuture(new StageFailure(Stage.Auth, reason, null, refusal));
    }

    /** The mechanisms of the EHLO keyword AUTH (or the pre-RFC {@code AUTH=} some servers still send), or null. */
    private List<String> offeredMechanisms() {
        List<String> out = null;
        for (String extension : state.extensions) {
            String upper = extension.toUpperCase(Locale.ROOT);
            if (upper.equals("AUTH") || upper.startsWith("AUTH ") || upper.startsWith("AUTH=")) {
                out = out == null ? new ArrayList<>() : out;
                for (String mechanism : upper.substring(4).trim().split("[ =]+")) {
                    if (!mechanism.isEmpty() && !out.contains(mechanism)) {
                        out.add(mechanism);
                    }
                }
            }
        }
        return out;
    }

    /** The one asked for when offered; otherwise PLAIN before LOGIN (one round trip, and a standard). */
    static AuthMechanism choose(AuthMechanism wanted, List<String> offered) {
        if (wanted != null) {
            return offered.contains(wanted.name()) ? wanted : null;
        }
        for (AuthMechanism mechanism : AuthMechanism.values()) {
            if (offered.contains(mechanism.name())) {
                return mechanism;
            }
        }
        return null;
    }
}
