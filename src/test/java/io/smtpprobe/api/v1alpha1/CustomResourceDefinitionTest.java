package io.smtpprobe.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD under crds/ is what users apply, so it must be exactly what the build generates from
 * the annotated model. Run with {@code -Dcrds.update=true} to rewrite it after a model change.
 */
class CustomResourceDefinitionTest {

    static final Path GENERATED = Path.of("target/classes/META-INF/fabric8/smtpprobes.smtpprobe.io-v1.yml");
    static final Path COMMITTED = Path.of("crds/smtpprobes.smtpprobe.io-v1.yml");
    /** The generator sorts printer columns by name; kubectl shows them in list order, so put them back in reading order. */
    static final List<String> COLUMN_ORDER = List.of("Domains", "Result", "Reason", "Ready", "Last Probe", "Age", "Message");

    @Test
    void committedCrdMatchesTheGeneratedOne() throws IOException {
        String expected = render(GENERATED);
        if (Boolean.getBoolean("crds.update")) {
            Files.writeString(COMMITTED, expected);
        }
        assertThat(Files.readString(COMMITTED))
                .as("crds/ is stale: regenerate with mvn process-classes test -Dtest=CustomResourceDefinitionTest -Dcrds.update=true")
                .isEqualTo(expected);
    }

    @Test
    void printerColumnsReadLikeAStatusLine() throws IOException {
        var crd = load(COMMITTED);
        var columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
        assertThat(columns).extracting(CustomResourceColumnDefinition::getName).containsExactlyElementsOf(COLUMN_ORDER);
        assertThat(columns).filteredOn(c -> c.getPriority() == 1).extracting(CustomResourceColumnDefinition::getName)
                .containsExactly("Message");
    }

    @Test
    void resourceIsNamespacedWithStatusSubresource() throws IOException {
        var crd = load(COMMITTED);
        assertThat(crd.getMetadata().getName()).isEqualTo("smtpprobes.smtpprobe.io");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("smtpp");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("probes");
        var version = crd.getSpec().getVersions().get(0);
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        var spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getXKubernetesValidations()).isNotEmpty();
        assertThat(spec.getProperties()).allSatisfy((name, schema) -> assertThat(schema.getDescription()).as(name).isNotBlank());
    }

    static String render(Path generated) throws IOException {
        var crd = load(generated);
        for (var version : crd.getSpec().getVersions()) {
            version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(c -> COLUMN_ORDER.indexOf(c.getName())));
        }
        return "# Generated from io.smtpprobe.api.v1alpha1.SmtpProbe by the build; do not edit (see CustomResourceDefinitionTest).\n"
                + Serialization.asYaml(crd);
    }

    static CustomResourceDefinition load(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
    }
}
