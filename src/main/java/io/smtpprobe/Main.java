package io.smtpprobe;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One jar, two jobs: {@code check ...} is a one-shot probe that needs no cluster and no HTTP
 * port, so it runs before Quarkus boots; anything else (no arguments, or {@code operator}) starts
 * the operator.
 */
@QuarkusMain
public class Main {
    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("check")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(io.smtpprobe.cli.CheckCommand.run(rest, System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("bench")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            try {
                System.exit(io.smtpprobe.bench.EngineBench.run(rest, System.out));
            } catch (Exception e) {
                System.err.println("bench: " + e);
                System.exit(2);
            }
        }
        Quarkus.run(args);
    }
}
