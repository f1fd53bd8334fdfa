package io.smtpprobe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** {@code spec.auth}: log in (AUTH, RFC 4954) before MAIL FROM, as a mail client does at a submission service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeAuth {
    @JsonPropertyDescription("The Secret with keys username and password, in this SmtpProbe's namespace. It is read "
            + "at every probe and never copied into status, Events or logs. The operator needs RBAC to get it (the "
            + "chart's auth.readSecrets).")
    @Required
    private SecretReference secretRef;

    @JsonPropertyDescription("PLAIN or LOGIN; unset: PLAIN when the server offers it, else LOGIN. A mechanism the server "
            + "does not advertise is never tried.")
    private AuthMechanism mechanism;

    @JsonPropertyDescription("Send AUTH over a connection without TLS too. PLAIN and LOGIN carry the password in clear, "
            + "so by default AUTH goes only over STARTTLS or implicit TLS.")
    @Default("false")
    private Boolean allowPlaintext;

    public SecretReference getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(SecretReference secretRef) {
        this.secretRef = secretRef;
    }

    public AuthMechanism getMechanism() {
        return mechanism;
    }

    public void setMechanism(AuthMechanism mechanism) {
        this.mechanism = mechanism;
    }

    public Boolean getAllowPlaintext() {
        return allowPlaintext;
    }

    public void setAllowPlaintext(Boolean allowPlaintext) {
        this.allowPlaintext = allowPlaintext;
    }
}
