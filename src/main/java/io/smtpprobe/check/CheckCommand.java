package io.smtpprobe.check;

import java.io.PrintStream;

public final class CheckCommand {
    private CheckCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        err.println("check: not implemented yet");
        return 3;
    }
}
