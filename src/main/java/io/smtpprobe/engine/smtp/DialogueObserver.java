package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;

/**
 * Sees one dialogue's stages as they happen, for tracing. Called on the dialogue's event loop:
 * implementations record and return, never block. The default does nothing.
 *
 * <p>Stages come in the order they run, each ended before the next starts. The EHLO sent again over TLS
 * after STARTTLS (RFC 3207 4.2) is told as an {@link Stage#Ehlo} of its own after {@link Stage#StartTls}
 * ended, after {@link #tlsEstablished()}; the result's {@code latencyMs} still counts its time to
 * {@code StartTls}, so that the stage histogram keeps its meaning.
 */
public interface DialogueObserver {
    DialogueObserver NONE = new DialogueObserver() {
    };

    default void stageStarted(Stage stage) {
    }

    /** @param reply the server's reply in this stage; null when none came (a connect, a timeout, a closed socket) */
    default void stageEnded(Stage stage, Reply reply) {
    }

    /** The TLS handshake succeeded (implicit TLS or STARTTLS): every stage from here on runs over TLS. */
    default void tlsEstablished() {
    }

    /** The dialogue's result, after its last stage ended. */
    default void finished(ServerResult result) {
    }

    /** One observer per dialogue: a probe of one server may run two (the plaintext retry after a failed TLS handshake). */
    interface Factory {
        Factory NONE = (target, plaintextRetry) -> DialogueObserver.NONE;

        DialogueObserver dialogue(SmtpTarget target, boolean plaintextRetry);
    }
}
