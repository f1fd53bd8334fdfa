package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;

/**
 * Sees one dialogue's stages as they happen, for tracing. Called on the dialogue's event loop:
 * implementations record and return, never block. The default does nothing.
 */
public interface DialogueObserver {
    DialogueObserver NONE = new DialogueObserver() {
    };

    default void stageStarted(Stage stage) {
    }

    /** @param reply the server's reply in this stage; null when none came (a connect, a timeout, a closed socket) */
    default void stageEnded(Stage stage, Reply reply) {
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
