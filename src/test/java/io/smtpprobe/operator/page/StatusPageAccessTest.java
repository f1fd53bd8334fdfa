package io.smtpprobe.operator.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.smtpprobe.operator.rest.ReviewingApiServer;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The page with access control on, against the fake API server of the REST API's tests (same tokens, same
 * RBAC table): the token reaches the page by the login form's cookie or an Authorization header, and the
 * page asks the API's questions (TokenReview, then {@code get smtpprobes} before any lookup).
 */
@QuarkusTest
@QuarkusTestResource(value = ReviewingApiServer.class, restrictToAnnotatedClass = true)
@TestProfile(StatusPageAccessTest.AccessControlOn.class)
class StatusPageAccessTest {
    public static class AccessControlOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smtpprobe.operator.enabled", "false", "smtpprobe.api.auth.enabled", "true");
        }
    }

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void withoutATokenThePageSendsTheBrowserToTheLoginFormAndAFragmentAnswers401() throws Exception {
        var overview = send(get("/"));
        assertThat(overview.statusCode()).isEqualTo(303);
        assertThat(overview.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(send(get("/fragments/overview")).statusCode()).isEqualTo(401);
        assertThat(send(get("/probes/mail/x")).statusCode()).isEqualTo(303);

        var form = send(get("/login"));
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<label for=\"token\">Bearer token</label>", "type=\"password\"", "action=\"/login\"");
    }

    @Test
    void aTokenTheApiServerRefusesNeverBecomesACookie() throws Exception {
        var refused = send(login("token-nobody-knows", false));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("The API server does not authenticate this token.");
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();

        var crossSite = send(login("token-alice", false).header("Origin", "http://attacker.test"));
        assertThat(crossSite.statusCode()).as("login CSRF").isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();

        var malformed = send(login("not a token; Path=/", false));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void aReviewedTokenIsKeptInAnHttpOnlySameSiteStrictCookieSecureOverHttps() throws Exception {
        var signedIn = send(login("token-alice", false).header("Origin", "http://" + base.getHost() + ":" + base.getPort()));
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Set-Cookie"))
                .hasValue("smtpprobe_token=token-alice; Path=/; HttpOnly; SameSite=Strict");
        var behindTls = send(login("token-alice", true));
        assertThat(behindTls.headers().firstValue("Set-Cookie"))
                .hasValue("smtpprobe_token=token-alice; Path=/; HttpOnly; SameSite=Strict; Secure");

        var page = send(get("/").header("Cookie", "smtpprobe_token=token-alice"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as <strong>alice</strong>", "action=\"/logout\"");

        var signedOut = send(HttpRequest.newBuilder(uri("/logout")).POST(HttpRequest.BodyPublishers.noBody())
                .header("Cookie", "smtpprobe_token=token-alice"));
        assertThat(signedOut.statusCode()).isEqualTo(303);
        assertThat(signedOut.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("smtpprobe_token=;")
                .contains("Max-Age=0"));
    }

    @Test
    void aResourcePageNeedsWhatTheApiDetailNeedsAskedBeforeTheLookup() throws Exception {
        var bob = send(get("/probes/mail/fabrikam").header("Cookie", "smtpprobe_token=token-bob"));
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(bob.body()).contains("needs RBAC: get smtpprobes.smtpprobe.io in namespace mail");

        var alice = send(get("/probes/mail/fabrikam").header("Cookie", "smtpprobe_token=token-alice"));
        assertThat(alice.statusCode()).as("allowed, and only then looked up").isEqualTo(404);
        var aliceElsewhere = send(get("/probes/other/fabrikam").header("Cookie", "smtpprobe_token=token-alice"));
        assertThat(aliceElsewhere.statusCode()).isEqualTo(403);
    }

    @Test
    void anAuthorizationHeaderFromAProxyWorksWithoutACookie() throws Exception {
        var page = send(get("/").header("Authorization", "Bearer token-alice"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as <strong>alice</strong>");
    }

    @Test
    void aCookieWhoseTokenIsNoLongerAuthenticatedIsClearedWithTheLoginForm() throws Exception {
        var page = send(get("/").header("Cookie", "smtpprobe_token=token-revoked"));
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("sign in again");
        assertThat(page.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("Max-Age=0"));
    }

    private HttpRequest.Builder login(String token, boolean https) {
        var request = HttpRequest.newBuilder(uri("/login")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        return https ? request.header("X-Forwarded-Proto", "https") : request;
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    }

    private URI uri(String path) {
        return URI.create(base.toString()).resolve(path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
