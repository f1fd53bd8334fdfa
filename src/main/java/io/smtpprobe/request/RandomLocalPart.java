package io.smtpprobe.request;

import java.security.SecureRandom;

/**
 * {@code {random}} in a recipient's local part, replaced by a fresh token on every probe, so that
 * "a made-up mailbox must be refused" can be written literally ({@code {random}@fabrikam.test})
 * and a server cannot learn to accept the one address it is always probed with. The token is
 * {@value #LENGTH} characters of {@code [a-z0-9]}, from SecureRandom: nothing of it comes from
 * the user, so it cannot carry anything onto the wire that the validator would not pass.
 */
public final class RandomLocalPart {
    public static final String PLACEHOLDER = "{random}";
    public static final int LENGTH = 16;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** Made at the first placeholder, not at the first recipient: most runs of {@code check} have none. */
    private static final class Source {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private RandomLocalPart() {
    }

    /**
     * The address with each placeholder in its local part replaced by a new token; anything else,
     * including a placeholder after the last {@code @}, is returned as it is for the validator to judge.
     */
    public static String fill(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0 || !address.substring(0, at).contains(PLACEHOLDER)) {
            return address;
        }
        StringBuilder local = new StringBuilder(address.substring(0, at));
        for (int i = local.indexOf(PLACEHOLDER); i >= 0; i = local.indexOf(PLACEHOLDER, i)) {
            local.replace(i, i + PLACEHOLDER.length(), token());
        }
        return local + address.substring(at);
    }

    static String token() {
        char[] token = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            token[i] = ALPHABET[Source.RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(token);
    }
}
