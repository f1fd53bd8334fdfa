package io.smtpprobe.operator.rest;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** TokenReview and SubjectAccessReview on the operator's own client: the API server decides, RBAC is the only policy. */
final class KubernetesAccessReviews implements AccessReviews {
    private final KubernetesClient client;

    KubernetesAccessReviews(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Caller> authenticate(String token, String tokenDigest) {
        // No audiences: the API server's own, so a token minted for another service is refused.
        TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
        var status = review.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return Optional.empty();
        }
        UserInfo user = status.getUser();
        return Optional.of(new Caller(user.getUsername(), user.getUid() == null ? "" : user.getUid(),
                user.getGroups() == null ? List.of() : List.copyOf(user.getGroups()),
                user.getExtra() == null ? Map.of() : Map.copyOf(user.getExtra()), tokenDigest));
    }

    @Override
    public boolean allowed(Caller caller, AccessRequest request) {
        var spec = new SubjectAccessReviewSpecBuilder()
                .withUser(caller.username())
                .withUid(caller.uid().isEmpty() ? null : caller.uid())
                .withGroups(caller.groups())
                .withExtra(caller.extra());
        if (request.isNonResource()) {
            spec.withNewNonResourceAttributes().withVerb(request.verb()).withPath(request.path()).endNonResourceAttributes();
        } else {
            spec.withNewResourceAttributes().withGroup(AccessRequest.GROUP).withResource(request.resource())
                    .withSubresource(request.subresource()).withVerb(request.verb())
                    .withNamespace(request.namespace()).endResourceAttributes();
        }
        SubjectAccessReview review = client.resource(new SubjectAccessReviewBuilder().withSpec(spec.build()).build()).create();
        return review.getStatus() != null && review.getStatus().getAllowed();
    }
}
