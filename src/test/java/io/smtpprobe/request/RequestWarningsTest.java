package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.ProbeRequest;
import org.junit.jupiter.api.Test;

/** Warnings live on the validated request, for every entry point to show; they never refuse it. */
class RequestWarningsTest {
    static final String PAYPAL = "p\u0430ypal.test";
    static final String WARNING = "domain label 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)";

    static ProbeRequest validate(ProbeInput input) {
        return RequestValidator.validate(input, RequestDefaults.CHECK);
    }

    @Test
    void aPossibleHomographIsWarnedAboutAndStillProbedAsItsALabel() {
        ProbeRequest request = validate(new ProbeInput().add(Field.DOMAINS, PAYPAL));
        assertThat(request.warnings()).containsExactly(WARNING);
        assertThat(request.domains()).singleElement().asString().startsWith("xn--");
    }

    @Test
    void everyNameBearingFieldIsChecked() {
        assertThat(validate(new ProbeInput().add(Field.SERVER, "mx." + PAYPAL + ":2525").add(Field.RCPT_TO, "user@contoso.test"))
                .warnings()).containsExactly(WARNING);
        assertThat(validate(new ProbeInput().add(Field.DOMAINS, "contoso.test").add(Field.EHLO, "probe." + PAYPAL)).warnings())
                .containsExactly(WARNING);
        assertThat(validate(new ProbeInput().add(Field.DOMAINS, "contoso.test").add(Field.MAIL_FROM, "<probe@" + PAYPAL + ">"))
                .warnings()).containsExactly(WARNING);
        assertThat(validate(new ProbeInput().add(Field.DOMAINS, "contoso.test").add(Field.RCPT_TO, "p\u0430ypal@contoso.test"))
                .warnings()).containsExactly("local part 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)");
    }

    @Test
    void aNameUsedInSeveralFieldsIsWarnedAboutOnce() {
        var input = new ProbeInput().add(Field.DOMAINS, PAYPAL).add(Field.RCPT_TO, "user@" + PAYPAL).add(Field.MAIL_FROM, "me@" + PAYPAL);
        assertThat(validate(input).warnings()).containsExactly(WARNING);
    }

    @Test
    void ordinaryNamesGiveNoWarnings() {
        var input = new ProbeInput().add(Field.DOMAINS, "bücher.test").add(Field.DOMAINS, "例え.test").add(Field.DOMAINS, "contoso.test")
                .add(Field.RCPT_TO, "josé@bücher.test").add(Field.EHLO, "[127.0.0.1]");
        assertThat(validate(input).warnings()).isEmpty();
    }
}
