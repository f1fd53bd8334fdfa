package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.operator.config.OperatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decision logic over the API server's reviews, with a scripted API server. */
class ApiAccessTest {
    final AtomicLong now = new AtomicLong();
    final List<String> asked = new ArrayList<>();
    Set<String> allowedForAlice = Set.of();

    final AccessReviews reviews = new AccessReviews() {
        @Override
        public Optional<Caller> authenticate(String token, String tokenDigest) {
            asked.add("token " + tokenDigest);
            return token.equals("alice-token")
                    ? Optional.of(new Caller("alice", "u1", List.of("team"), Map.of(), tokenDigest))
                    : Optional.empty();
        }

        @Override
        public boolean allowed(Caller caller, AccessRequest request) {
            asked.add(request.describe());
            return allowedForAlice.contains(request.describe());
        }
    };

    final ApiAccess access = new ApiAccess(true, reviews, settings(Duration.ofSeconds(10)), now::get);

    @Test
    void aClusterWideListAllowsEveryNamespaceInOneReview() {
        allowedForAlice = Set.of("list smtpprobes.smtpprobe.io in all namespaces");
        var alice = access.authenticate("alice-token").orElseThrow();
        assertThat(access.readableNamespaces(alice, Set.of("a", "b"))).containsExactlyInAnyOrder("a", "b");
        assertThat(asked).containsExactly("token " + ApiAccess.digest("alice-token"), "list smtpprobes.smtpprobe.io in all namespaces");
    }

    @Test
    void otherwiseEachNamespaceIsAskedAndOnlyTheAllowedAreShown() {
        allowedForAlice = Set.of("list smtpprobes.smtpprobe.io in namespace a");
        var alice = access.authenticate("alice-token").orElseThrow();
        assertThat(access.readableNamespaces(alice, Set.of("a", "b"))).containsExactly("a");
    }

    @Test
    void decisionsAndTokensAreCachedForTheTtlByDigestNeverByToken() {
        allowedForAlice = Set.of("get smtpprobes.smtpprobe.io in namespace a");
        var alice = access.authenticate("alice-token").orElseThrow();
        assertThat(alice.tokenDigest()).hasSize(64).doesNotContain("alice-token");
        var get = AccessRequest.probes("get", "a");
        assertThat(access.allowed(alice, get)).isTrue();
        assertThat(access.allowed(access.authenticate("alice-token").orElseThrow(), get)).isTrue();
        assertThat(asked).hasSize(2);

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        allowedForAlice = Set.of();
        assertThat(access.allowed(access.authenticate("alice-token").orElseThrow(), get)).isFalse();
        assertThat(asked).hasSize(4);
    }

    @Test
    void aRefusedTokenIsCachedToo() {
        assertThat(access.authenticate("made-up")).isEmpty();
        assertThat(access.authenticate("made-up")).isEmpty();
        assertThat(asked).hasSize(1);
    }

    @Test
    void withAccessControlOffEverythingIsAllowedWithoutAReview() {
        var off = new ApiAccess(false, reviews, settings(Duration.ofSeconds(10)), now::get);
        assertThat(off.allowed(Caller.anonymous("127.0.0.1"), AccessRequest.subresource(AccessRequest.DELIVERIES, "x"))).isTrue();
        assertThat(asked).isEmpty();
    }

    @Test
    void bearerTokensAreTakenOnlyFromAWellFormedHeader() {
        assertThat(BearerTokenFilter.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("Basic abc")).isNull();
        assertThat(BearerTokenFilter.bearerToken("Bearer ")).isNull();
        assertThat(BearerTokenFilter.bearerToken("Bearer a b")).isNull();
        assertThat(BearerTokenFilter.bearerToken(null)).isNull();
    }

    @Test
    void ratesCountPerUserNotPerToken() {
        var one = new Caller("alice", "u1", List.of(), Map.of(), "d1");
        var two = new Caller("alice", "u1", List.of(), Map.of(), "d2");
        assertThat(one.rateKey()).isEqualTo(two.rateKey());
        assertThat(Caller.anonymous("10.0.0.1").rateKey()).isNotEqualTo(Caller.anonymous("10.0.0.2").rateKey());
    }

    private static OperatorConfig.Api.Auth settings(Duration ttl) {
        return new OperatorConfig.Api.Auth() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public boolean metrics() {
                return true;
            }

            @Override
            public Duration cacheTtl() {
                return ttl;
            }

            @Override
            public int cacheSize() {
                return 100;
            }
        };
    }
}
