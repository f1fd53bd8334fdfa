package io.smtpprobe.operator.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;

/**
 * The REST API's access decisions ({@link ApiAccess}: TokenReview, SubjectAccessReview, their cache) for
 * other HTTP front ends such as the status page, so that a viewer sees exactly what the API would show
 * the same token. Every method may block on a review: worker threads only.
 */
@ApplicationScoped
public class ViewerAccess {
    /** Whoever the token belongs to, opaque outside this package. */
    public static final class Viewer {
        private final Caller caller;

        private Viewer(Caller caller) {
            this.caller = caller;
        }

        public String username() {
            return caller.username();
        }
    }

    /** The API server could not review the token (the API answers 503). */
    public static final class ReviewUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReviewUnavailableException(RuntimeException cause) {
            super("the API server could not review the token; retry later", cause);
        }
    }

    @Inject
    ApiAccess access;

    public boolean enabled() {
        return access.enabled();
    }

    /** With access control off, everyone is the anonymous viewer, who may read everything. */
    public Viewer anonymous() {
        return new Viewer(Caller.anonymous("page"));
    }

    /** The token's viewer, or empty when the API server does not authenticate it. */
    public Optional<Viewer> authenticate(String token) {
        try {
            return access.authenticate(token).map(Viewer::new);
        } catch (RuntimeException e) {
            throw new ReviewUnavailableException(e);
        }
    }

    /** As {@code GET /api/v1/smtpprobes}: the namespaces, among these, whose {@code smtpprobes} the viewer may list. */
    public Set<String> readableNamespaces(Viewer viewer, Set<String> namespaces) {
        try {
            return access.readableNamespaces(viewer.caller, namespaces);
        } catch (RuntimeException e) {
            throw new ReviewUnavailableException(e);
        }
    }

    /** As {@code GET /api/v1/namespaces/NS/smtpprobes/NAME}: {@code get smtpprobes} in the namespace, else the permission missing. */
    public Optional<String> missingToGet(Viewer viewer, String namespace) {
        var read = AccessRequest.probes("get", namespace);
        try {
            return access.allowed(viewer.caller, read) ? Optional.empty() : Optional.of("needs RBAC: " + read.describe());
        } catch (RuntimeException e) {
            throw new ReviewUnavailableException(e);
        }
    }

    /** An {@code Authorization: Bearer} header's token, read as the API reads it (RFC 6750), or null. */
    public static String bearerToken(String header) {
        return BearerTokenFilter.bearerToken(header);
    }
}
