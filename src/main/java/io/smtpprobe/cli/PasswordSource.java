package io.smtpprobe.cli;

import io.smtpprobe.request.InvalidInputException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where {@code check} takes a password from: a file or an environment variable, never the command
 * line, which every user of the host can read in the process list. No message quotes the value.
 */
final class PasswordSource {

    /** Far above the validator's limit; a bigger file is not a password. */
    private static final long MAX_FILE_BYTES = 4096;

    private PasswordSource() {
    }

    /** The password, or null when neither source is given. */
    static String read(String file, String variable, UnaryOperator<String> environment) {
        if (file != null && variable != null) {
            throw new InvalidInputException("--auth-password-file", "give either it or --auth-password-env, not both");
        }
        if (variable != null) {
            String value = environment.apply(variable);
            if (value == null) {
                throw new InvalidInputException("--auth-password-env", "environment variable '" + printableName(variable)
                        + "' is not set");
            }
            return value;
        }
        return file == null ? null : fromFile(file);
    }

    private static String fromFile(String file) {
        Path path = Path.of(file);
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new InvalidInputException("--auth-password-file", "larger than " + MAX_FILE_BYTES + " bytes");
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path))).toString();
            // as written by echo or an editor: the line end is not part of the password
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("--auth-password-file", "not UTF-8");
        } catch (IOException e) {
            throw new InvalidInputException("--auth-password-file", "cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String printableName(String name) {
        return io.smtpprobe.request.InputValidator.printable(name);
    }
}
