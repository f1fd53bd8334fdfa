package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.core.Credentials;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the login of an authenticated probe from the Secret its spec names, in the resource's own
 * namespace, each time a probe starts: a rotated password is used at the next probe, and the
 * credentials live only in the probe's request, never in the status, a cache or a log line.
 * Every failure message names the Secret and the key, never a value.
 */
final class AuthSecrets {
    static final String USERNAME_KEY = "username";
    static final String PASSWORD_KEY = "password";

    /** Why the Secret could not be used: the status's message, safe to show (it holds no value). */
    static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    private final KubernetesClient client;

    AuthSecrets(KubernetesClient client) {
        this.client = client;
    }

    Credentials read(SmtpProbe resource) throws UnavailableException {
        String namespace = resource.getMetadata().getNamespace();
        String name = resource.getSpec().getAuth().getSecretRef() == null ? null
                : resource.getSpec().getAuth().getSecretRef().getName();
        if (name == null || name.isBlank()) {
            throw new UnavailableException("spec.auth.secretRef.name is required");
        }
        String what = "Secret " + namespace + "/" + name;
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
                throw new UnavailableException("the operator may not read " + what + ": reading Secrets is opt-in"
                        + " (RBAC: get secrets in " + namespace + "; the chart's auth.readSecrets=true)");
            }
            throw new UnavailableException("reading " + what + " failed: HTTP " + e.getCode());
        }
        if (secret == null) {
            throw new UnavailableException(what + " not found");
        }
        return new Credentials(value(secret, what, USERNAME_KEY), value(secret, what, PASSWORD_KEY));
    }

    private static String value(Secret secret, String what, String key) throws UnavailableException {
        Map<String, String> data = secret.getData();
        String encoded = data == null ? null : data.get(key);
        if (encoded == null) {
            Map<String, String> plain = secret.getStringData();
            if (plain != null && plain.get(key) != null) {
                return plain.get(key);
            }
            throw new UnavailableException(what + " has no key '" + key + "'");
        }
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UnavailableException(what + " key '" + key + "' is not valid base64");
        }
    }
}
