package io.smtpprobe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ibm.icu.text.IDNA;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdnaTest {
    static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.USE_STD3_RULES
            | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

    @Test
    void nonTransitionalProcessingKeepsSharpSAndZeroWidthJoinersMeaningful() {
        assertThat(Idna.toAscii("straße.test")).isEqualTo("xn--strae-oqa.test");
        assertThat(Idna.toAscii("Bücher.TEST")).isEqualTo("xn--bcher-kva.test");
        assertThat(Idna.toAscii("xn--bcher-kva.test")).isEqualTo("xn--bcher-kva.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"under_score.test", "a..test", "-bad.test", "bad-.test", "ab--cd.test", "xn--zz-.test",
        "a\u200db.test", "\u05d0a.test", "sp ace.test"})
    void namesUts46RefusesAreRefused(String name) {
        assertThatThrownBy(() -> Idna.toAscii(name)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The ASCII shortcut must give exactly what ICU gives, or refuse nothing ICU would refuse. */
    @Test
    void theAsciiShortcutAgreesWithUts46() {
        for (String name : List.of("contoso.test", "MX1.Contoso.TEST", "a.b-c.d", "0.test", "a1-2b.test", "xn--bcher-kva.test",
                "ab--cd.test", "a-.test", "\u212a.test", "a".repeat(63) + ".test", "a".repeat(64) + ".test", "x")) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (Idna.isPlainLdh(lower)) {
                IDNA.Info info = new IDNA.Info();
                String icu = UTS46.nameToASCII(name, new StringBuilder(), info).toString();
                assertThat(info.hasErrors()).as(name).isFalse();
                assertThat(Idna.toAscii(name)).as(name).isEqualTo(icu);
            }
        }
        assertThat(Idna.isPlainLdh("xn--bcher-kva.test")).isFalse();
        assertThat(Idna.isPlainLdh("ab--cd.test")).isFalse();
    }
}
