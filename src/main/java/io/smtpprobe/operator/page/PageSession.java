package io.smtpprobe.operator.page;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.regex.Pattern;

/**
 * How a browser's token reaches the page. A browser cannot add {@code Authorization: Bearer} by itself,
 * so the login form posts the token once and the page keeps it in a cookie that scripts cannot read
 * ({@code HttpOnly}), that no other site's page can make the browser send ({@code SameSite=Strict}: no
 * cross-site request forgery), and that lives as long as the browser session. A proxy that injects the
 * header ({@code kubectl proxy}-style, an ingress with an auth proxy) works without the cookie: the header
 * wins. The token is never written anywhere else and, as in the API, never logged.
 */
final class PageSession {
    static final String COOKIE = "smtpprobe_token";
    /** What a bearer token may hold (RFC 6750 b64token), which is also safe as a cookie value. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final int MAX_TOKEN = 16 * 1024;

    private PageSession() {
    }

    /** The request's token: the Authorization header's, else the cookie's; null when neither holds one. */
    static String token(HttpHeaders headers) {
        String header = io.smtpprobe.operator.rest.ViewerAccess.bearerToken(headers.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (header != null) {
            return header;
        }
        var cookie = headers.getCookies().get(COOKIE);
        return cookie == null || !wellFormed(cookie.getValue()) ? null : cookie.getValue();
    }

    static boolean wellFormed(String token) {
        return token != null && token.length() <= MAX_TOKEN && TOKEN.matcher(token).matches();
    }

    /** {@code Secure} when the browser reached us over HTTPS, directly or through a proxy that says so. */
    static String setCookie(String token, boolean secure) {
        return COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    static String clearCookie() {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict";
    }

    /**
     * Another site's page must not sign a browser in with the attacker's token (login CSRF) or out: browsers
     * send Origin with every POST, and it must name this host. The cookie's SameSite=Strict covers the rest.
     */
    static boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        String host = request.getHeader("X-Forwarded-Host") != null ? request.getHeader("X-Forwarded-Host") : request.getHeader("Host");
        try {
            var uri = java.net.URI.create(origin);
            String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && host.equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
