package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RandomLocalPartTest {

    @Test
    void thePlaceholderInTheLocalPartBecomesAFreshLowercaseToken() {
        String first = RandomLocalPart.fill("{random}@fabrikam.test");
        String second = RandomLocalPart.fill("{random}@fabrikam.test");

        assertThat(first).matches("[a-z0-9]{16}@fabrikam\\.test");
        assertThat(second).matches("[a-z0-9]{16}@fabrikam\\.test").isNotEqualTo(first);
        assertThat(RandomLocalPart.fill("probe-{random}.{random}@fabrikam.test")).matches("probe-[a-z0-9]{16}\\.[a-z0-9]{16}@fabrikam\\.test");
    }

    @Test
    void addressesWithoutThePlaceholderInTheirLocalPartAreLeftForTheValidator() {
        assertThat(RandomLocalPart.fill("nobody@fabrikam.test")).isEqualTo("nobody@fabrikam.test");
        assertThat(RandomLocalPart.fill("nobody@{random}.test")).isEqualTo("nobody@{random}.test");
        assertThat(RandomLocalPart.fill("{random}")).isEqualTo("{random}");
    }

    @Test
    void theFilledAddressPassesTheOneValidator() {
        var request = RequestValidator.validate(new ProbeInput().add(Field.DOMAINS, "fabrikam.test")
                .add(Field.RCPT_TO, RandomLocalPart.fill("{random}@fabrikam.test")), RequestDefaults.CHECK);

        assertThat(request.options().rcptTo()).singleElement().asString().matches("[a-z0-9]{16}@fabrikam\\.test");
    }
}
