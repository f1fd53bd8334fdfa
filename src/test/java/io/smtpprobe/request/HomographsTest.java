package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Possible homographs are reported through ICU's UTS #39 checks; ordinary internationalised names are not. */
class HomographsTest {

    static java.util.List<String> warnings(String name) {
        return Homographs.domain(InputValidator.domain("domain", name));
    }

    @Test
    void latinMixedWithCyrillicIsReported() {
        // The a is U+0430 CYRILLIC SMALL LETTER A.
        assertThat(warnings("p\u0430ypal.test"))
                .containsExactly("domain label 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)");
    }

    @Test
    void latinMixedWithGreekIsReported() {
        // The o is U+03BF GREEK SMALL LETTER OMICRON.
        assertThat(warnings("micr\u03bfsoft.test"))
                .containsExactly("domain label 'micr\u03bfsoft' mixes Latin and Greek scripts (possible homograph)");
    }

    @Test
    void aWholeScriptCyrillicLookAlikeOfALatinNameIsReported() {
        // а р р ӏ е: every letter Cyrillic, together they look like apple.
        assertThat(warnings("\u0430\u0440\u0440\u04cf\u0435.test"))
                .containsExactly("domain label '\u0430\u0440\u0440\u04cf\u0435' is all Cyrillic but looks like the ASCII 'apple'"
                        + " (possible homograph)");
    }

    @Test
    void aLatinLabelThatPassesForAnAsciiNameIsReported() {
        // U+0251 LATIN SMALL LETTER ALPHA.
        assertThat(warnings("\u0251pple.test")).containsExactly("domain label '\u0251pple' looks like the ASCII 'apple' (possible homograph)");
        // An m stays an m in the look-alike shown.
        assertThat(warnings("m\u0251il.test")).containsExactly("domain label 'm\u0251il' looks like the ASCII 'mail' (possible homograph)");
    }

    @Test
    void aLookAlikeUnderATopLevelDomainOfItsOwnScriptIsOrdinary() {
        // In .рф a Cyrillic name is what one expects to read.
        assertThat(warnings("\u0430\u0440\u0440\u04cf\u0435.\u0440\u0444")).isEmpty();
    }

    @Test
    void mixedNumberingSystemsAreReported() {
        // A European 1 beside a Devanagari 2 (U+0968), which reads as a 2 only to some.
        assertThat(warnings("a1\u0968b.test"))
                .containsExactly("domain label 'a1\u0968b' mixes digits of different numbering systems (possible homograph)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bücher.test", "例え.test", "straße.test", "日本語ドメイン.test", "пример.рф", "παράδειγμα.test",
        "contoso.test", "xn--bcher-kva.test", "東京tokyo.test", "münchen.test", "café.test", "łódź.test", "øresund.test",
        "garçon.test", "señor.test"})
    void ordinaryInternationalisedNamesAreNotReported(String name) {
        assertThat(warnings(name)).isEmpty();
    }

    @Test
    void smtputf8LocalPartsAreCheckedToo() {
        assertThat(Homographs.localPart("p\u0430ypal"))
                .containsExactly("local part 'p\u0430ypal' mixes Latin and Cyrillic scripts (possible homograph)");
        assertThat(Homographs.localPart("jos\u00e9")).isEmpty();
        assertThat(Homographs.localPart("postmaster")).isEmpty();
    }
}
