package io.smtpprobe.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void printingCredentialsOrWhatHoldsThemNeverShowsThePassword() {
        var login = new Credentials("alice", "s3cret-Passw0rd!");
        var auth = new SmtpAuth(login, AuthMechanism.PLAIN, false);
        var options = new ProbeOptions("probe.test", "", List.of("bob@contoso.test"), java.util.Set.of(), TlsMode.Required,
                false, null, Timeouts.DEFAULT, Limits.DEFAULT, auth);

        assertThat(login.toString()).isEqualTo("Credentials[username=alice, password=<redacted>]");
        assertThat(auth + " " + options + " " + options.withRcptTo(List.of("x@contoso.test")))
                .doesNotContain("s3cret-Passw0rd!").contains("password=<redacted>");
    }

    @Test
    void theSecretFormsAreThePasswordItsBase64AndThePlainResponse() {
        var login = new Credentials("alice", "pw-1234");

        assertThat(login.secretForms()).containsExactly("pw-1234", "cHctMTIzNA==", "AGFsaWNlAHB3LTEyMzQ=");
    }

    @Test
    void copiesOfTheOptionsKeepTheLogin() {
        var auth = new SmtpAuth(new Credentials("alice", "pw-1234"), null, false);
        var options = new ProbeOptions("probe.test", "", List.of("bob@contoso.test"), java.util.Set.of(), TlsMode.Required,
                false, null, Timeouts.DEFAULT, Limits.DEFAULT, auth);

        assertThat(options.withRcptTo(List.of("x@contoso.test")).auth()).isEqualTo(auth);
        assertThat(options.withTimeouts(Timeouts.DEFAULT).auth()).isEqualTo(auth);
    }
}
