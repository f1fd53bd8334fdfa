package io.smtpprobe;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One jar, two jobs: {@code check ...} is a one-shot probe that needs no cluster and no HTTP
 * port, so it runs before Quarkus boots (and {@code bin/check} starts it without Quarkus's
 * launcher at all); anything else (no arguments, or {@code operator}) starts the operator.
 */
@QuarkusMain
public class Main {
    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("check")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(io.smtpprobe.cli.CheckCommand.run(rest, System.out, System.err));
        }
        Quarkus.run(args);
    }
}
