package io.smtpprobe.operator.rest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.smtpprobe.operator.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Authentication and authorisation of the HTTP API, the Kubernetes way: a bearer token is a caller only
 * when a TokenReview says so, and a caller may do only what a SubjectAccessReview allows. Answers are
 * cached briefly, keyed by the token's SHA-256 (the token is never kept nor logged).
 */
@ApplicationScoped
public class ApiAccess {
    private static final Logger LOG = Logger.getLogger(ApiAccess.class);

    private record Question(String caller, AccessRequest request) {
    }

    private final boolean enabled;
    private final AccessReviews reviews;
    private final ReviewCache<String, Optional<Caller>> callers;
    private final ReviewCache<Question, Boolean> decisions;

    @Inject
    public ApiAccess(OperatorConfig config, KubernetesClient client) {
        this(config.api().auth().enabled(), new KubernetesAccessReviews(client), config.api().auth(), System::nanoTime);
    }

    ApiAccess(boolean enabled, AccessReviews reviews, OperatorConfig.Api.Auth settings, LongSupplier nanoTime) {
        this.enabled = enabled;
        this.reviews = reviews;
        this.callers = new ReviewCache<>(settings.cacheTtl(), settings.cacheSize(), nanoTime);
        this.decisions = new ReviewCache<>(settings.cacheTtl(), settings.cacheSize(), nanoTime);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Blocks on a TokenReview unless cached. A refused token is cached too, so retrying it costs nothing. */
    Optional<Caller> authenticate(String token) {
        String digest = digest(token);
        var cached = callers.get(digest);
        if (cached.isPresent()) {
            return cached.get();
        }
        Optional<Caller> caller = reviews.authenticate(token, digest);
        callers.put(digest, caller);
        if (caller.isEmpty()) {
            LOG.debugf("token %s… not authenticated", digest.substring(0, 12));
        }
        return caller;
    }

    /** Blocks on a SubjectAccessReview unless cached. With access control off, everything is allowed. */
    boolean allowed(Caller caller, AccessRequest request) {
        if (!enabled) {
            return true;
        }
        var question = new Question(caller.tokenDigest(), request);
        var cached = decisions.get(question);
        if (cached.isPresent()) {
            return cached.get();
        }
        boolean allowed = reviews.allowed(caller, request);
        decisions.put(question, allowed);
        if (!allowed) {
            LOG.debugf("%s may not %s", caller.username(), request.describe());
        }
        return allowed;
    }

    /**
     * The namespaces, among those given, whose {@code smtpprobes} the caller may list: all of them after one
     * cluster-wide review, else one review per namespace.
     */
    Set<String> readableNamespaces(Caller caller, Set<String> namespaces) {
        if (namespaces.isEmpty() || allowed(caller, AccessRequest.probes("list", null))) {
            return namespaces;
        }
        var readable = new HashSet<String>();
        for (String namespace : namespaces) {
            if (allowed(caller, AccessRequest.probes("list", namespace))) {
                readable.add(namespace);
            }
        }
        return readable;
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
