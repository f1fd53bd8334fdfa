package io.smtpprobe.operator.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.inject.Inject;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.operator.controller.MockApiServerResource;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The page as HTML over HTTP, with access control off (the code default): every resource is shown, server
 * text is escaped, fragments refresh the same markup, and every page carries its security headers. The same
 * page in a real browser, against real mail servers, is {@code StatusPageIT}'s.
 */
@QuarkusTest
@QuarkusTestResource(value = MockApiServerResource.class, restrictToAnnotatedClass = true)
@TestProfile(StatusPageTest.Scripted.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageTest {
    public static class Scripted implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(PageProbeRunner.class);
        }
    }

    @TestHTTPResource("/")
    URL base;
    @Inject
    KubernetesClient client;

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void createProbes() {
        await(() -> get("/q/health/ready").statusCode() == 200);
        create(client, "mail", "contoso", "contoso.test");
        create(client, "mail", "hostile", "hostile.test");
        create(client, "other", "nosuch", "nosuch.test");
        await(() -> get("/").body().split("data-result=\"NotProbed\"").length == 1
                && get("/").body().contains("data-name=\"nosuch\""));
    }

    @Test
    void overviewListsEveryProbeWithResultReasonAndAHistoryStrip() {
        var page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        String html = page.body();
        assertThat(html).contains("<th scope=\"col\">Namespace</th>", "<caption>SmtpProbe resources you may read");
        assertThat(html).contains("data-namespace=\"mail\" data-name=\"contoso\" data-result=\"PermanentFailure\"",
                "data-namespace=\"other\" data-name=\"nosuch\" data-result=\"PermanentFailure\"");
        assertThat(html).contains("DnsNameNotFound", "RecipientUnknown", "<ol class=\"history\"");
        assertThat(html).contains("<label for=\"filter-namespace\">Namespace</label>", "<label for=\"filter-result\">Result</label>");
    }

    @Test
    void filtersByNamespaceAndResult() {
        String mail = get("/?namespace=mail").body();
        assertThat(mail).contains("data-name=\"contoso\"", "data-name=\"hostile\"").doesNotContain("data-name=\"nosuch\"");
        String success = get("/?result=Success").body();
        assertThat(success).doesNotContain("class=\"probe\"").contains("No SmtpProbe you may read matches the filter.");
        String unknownNamespace = get("/?namespace=nowhere").body();
        assertThat(unknownNamespace).as("a namespace the viewer cannot see is no filter").contains("data-name=\"nosuch\"");
    }

    @Test
    void serverTextIsShownAsTextNeverAsMarkup() {
        String html = get("/probes/mail/hostile").body();
        assertThat(html).doesNotContain("<script>document.title").doesNotContain("<b>no</b>");
        assertThat(html).contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; &lt;b&gt;no&lt;/b&gt; such user");
        assertThat(html).as("in the matrix and in the transcript").containsSubsequence("class=\"text\"", "&lt;script&gt;",
                "<pre>", "&lt;script&gt;");
    }

    @Test
    void detailShowsTheMatrixWithReplyStageTlsAndTranscript() {
        String html = get("/probes/mail/contoso").body();
        assertThat(html).contains("<caption>The deciding reply of each MX host per domain",
                "<th scope=\"col\">MX host 1</th>", "data-host=\"mx1.contoso.test\"");
        assertThat(html).contains("<span class=\"code\">550</span> <span class=\"enhanced\">5.1.1</span> <span class=\"stage\">at RcptTo</span>");
        assertThat(html).contains("TLSv1.3 TLS_AES_128_GCM_SHA256", "trusted chain", "name matches", "certificate until 2099-01-01T00:00:00Z");
        assertThat(html).contains("class=\"cell fail\"", "5xx permanent negative");
        assertThat(html).contains("<section class=\"transcript\" data-host=\"mx1.contoso.test\">");

        String nxdomain = get("/probes/other/nosuch").body();
        assertThat(nxdomain).contains("DnsNameNotFound").doesNotContain("class=\"transcript\" data-host");
    }

    @Test
    void fragmentsCarryTheLiveMarkupWithoutTheLayout() {
        String overview = get("/fragments/overview?namespace=mail").body();
        assertThat(overview).startsWith("<p class=\"updated\"").contains("data-name=\"hostile\"").doesNotContain("<html");
        String detail = get("/fragments/probes/mail/contoso").body();
        assertThat(detail).contains("id=\"matrix\"").doesNotContain("<html");
    }

    @Test
    void everyPageForbidsForeignScriptsFramingAndCaching() {
        for (String path : List.of("/", "/probes/mail/contoso", "/fragments/overview", "/probes/mail/missing")) {
            var page = get(path);
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'", "frame-ancestors 'none'"));
            assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
        }
        assertThat(get("/probes/mail/missing").statusCode()).isEqualTo(404);
        assertThat(get("/assets/page.css").body()).contains("--fail-fg");
        assertThat(get("/assets/page.js").statusCode()).isEqualTo(200);
    }

    @Test
    void withAccessControlOffThereIsNoLogin() {
        var login = get("/login");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/"));
    }

    private static void create(KubernetesClient client, String namespace, String name, String domain) {
        var probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        var spec = new SmtpProbeSpec();
        spec.setDomains(List.of(domain));
        probe.setSpec(spec);
        client.resources(SmtpProbe.class).inNamespace(namespace).resource(probe).create();
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve(path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("condition not met within 30 s");
    }
}
