package io.smtpprobe.operator.rest;

import java.util.List;
import java.util.Map;

/**
 * Who the API server says a bearer token belongs to (TokenReview's {@code status.user}), passed as is
 * into every SubjectAccessReview. {@code tokenDigest} names the caller for caches and rate limits; the
 * token itself is never kept.
 */
record Caller(String username, String uid, List<String> groups, Map<String, List<String>> extra, String tokenDigest) {
    /** With access control off, everyone is one anonymous caller, told apart only by address for rate limits. */
    static Caller anonymous(String address) {
        return new Caller("system:anonymous", "", List.of(), Map.of(), ADDRESS + address);
    }

    private static final String ADDRESS = "address:";

    /** Rate limits count per user, not per token (a ServiceAccount mints tokens at will), or per address when anonymous. */
    String rateKey() {
        return tokenDigest.startsWith(ADDRESS) ? tokenDigest : "user:" + username;
    }
}
