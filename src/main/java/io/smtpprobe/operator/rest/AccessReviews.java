package io.smtpprobe.operator.rest;

import java.util.Optional;

/** The API server's two reviews. Both block on a round trip: never call them on an event loop. */
interface AccessReviews {
    /** The token's user, or empty when the API server does not authenticate it. */
    Optional<Caller> authenticate(String token, String tokenDigest);

    boolean allowed(Caller caller, AccessRequest request);
}
