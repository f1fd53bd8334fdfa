package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Helm installs the CRD from the chart's crds/ directory and `kubectl apply -f crds/` from the repository's:
 * both must be the generated CRD, byte for byte, or chart users get a different schema.
 */
class ChartCrdTest {

    private static final Path GENERATED = Path.of("crds");
    private static final Path CHART = Path.of("helm/smtp-probe-operator/crds");

    @Test
    void chartShipsExactlyTheGeneratedCrds() throws IOException {
        List<String> generated = names(GENERATED);
        assertThat(generated).isNotEmpty();
        assertThat(names(CHART)).as("files in %s", CHART).isEqualTo(generated);
        for (String name : generated) {
            assertThat(Files.readAllBytes(CHART.resolve(name)))
                    .as("%s differs from %s: copy it with cp crds/*.yml %s/", CHART.resolve(name),
                            GENERATED.resolve(name), CHART)
                    .isEqualTo(Files.readAllBytes(GENERATED.resolve(name)));
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
                    .sorted().toList();
        }
    }
}
