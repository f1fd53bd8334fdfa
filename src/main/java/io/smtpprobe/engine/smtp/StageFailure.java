package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Reason;

/** Ends a dialogue early with a verdict; carried through the future chain to the result. */
final class StageFailure extends RuntimeException {

    final Stage stage;
    final Reason reason;
    final Reply reply;

    StageFailure(Stage stage, Reason reason, Reply reply, String detail) {
        super(detail, null, false, false);
        this.stage = stage;
        this.reason = reason;
        this.reply = reply;
    }

    static StageFailure of(Stage stage, Reply reply) {
        return new StageFailure(stage, ReplyClassifier.classify(stage, reply), reply, null);
    }
}
