package io.smtpprobe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Tiers are chosen by JUnit tag alone, and `make unit` runs the untagged tests without Postfix,
 * dnsmasq or an API server. That only holds while every test class that starts one of them says
 * so; this test reads the test sources and fails on one that does not.
 */
class TestTiersTest {

    private static final Path SOURCES = Path.of("src/test/java");
    private static final Set<String> TIERS = Set.of("peers", "real", "e2e", "bench");
    private static final Pattern TAG = Pattern.compile("@Tag\\(\"([^\"]*)\"\\)");

    private static final Pattern CONTROL_PLANE = Pattern.compile("\\bControlPlane\\b");
    private static final Pattern REAL_SERVERS = Pattern.compile("\\b(Postfix|Exim|Dnsmasq|Nsd|Nginx)\\.builder\\(|\\bDemoPeers\\.|\\bSubmissionPostfix\\.start\\(");
    private static final Pattern SCRIPTED_PEERS = Pattern.compile("\\bScriptedSmtpPeer\\.script\\(|\\bScriptedDnsServer\\.");

    @Test
    void everyTestClassCarriesTheTagOfWhatItStarts() throws IOException {
        List<String> wrong = new ArrayList<>();
        List<Path> classes = testClasses();
        for (Path file : classes) {
            String source = Files.readString(file);
            Set<String> tags = tags(source);
            String name = SOURCES.relativize(file).toString();
            if (!TIERS.containsAll(tags)) {
                wrong.add(name + ": unknown tag in " + tags + ", the tiers are " + new TreeSet<>(TIERS));
            }
            if (CONTROL_PLANE.matcher(source).find() && !containsAny(tags, "e2e", "bench")) {
                wrong.add(name + ": starts the control plane, so needs @Tag(\"e2e\")");
            } else if (REAL_SERVERS.matcher(source).find() && !containsAny(tags, "real", "e2e", "bench")) {
                wrong.add(name + ": starts Postfix, Exim, dnsmasq NSD or nginx, so needs @Tag(\"real\")");
            } else if (SCRIPTED_PEERS.matcher(source).find() && tags.isEmpty()) {
                wrong.add(name + ": plays a scripted peer, so needs @Tag(\"peers\")");
            }
        }

        assertThat(classes).as("test classes found under " + SOURCES).hasSizeGreaterThan(20);
        assertThat(wrong).isEmpty();
    }

    private static List<Path> testClasses() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(TestTiersTest::hasTests).sorted().toList();
        }
    }

    private static boolean hasTests(Path file) {
        try {
            return Files.readString(file).contains("@Test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> tags(String source) {
        Set<String> tags = new TreeSet<>();
        Matcher m = TAG.matcher(source);
        while (m.find()) {
            tags.add(m.group(1));
        }
        return tags;
    }

    private static boolean containsAny(Set<String> tags, String... wanted) {
        for (String w : wanted) {
            if (tags.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
