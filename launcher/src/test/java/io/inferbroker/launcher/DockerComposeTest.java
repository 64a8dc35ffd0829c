package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The compose file cannot be run here (no Docker engine), so check that it parses and is complete. */
class DockerComposeTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void shouldDefineKafkaPostgresPrometheusAndEveryRole() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory())
                .readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        assertThat(services).isNotNull();
        for (String s : new String[] {"kafka", "postgres", "prometheus", "ingress", "dispatcher", "worker", "store"}) {
            assertThat(services.has(s)).as("service %s", s).isTrue();
        }
        for (String role : new String[] {"ingress", "dispatcher", "worker", "store"}) {
            assertThat(services.get(role).get("command").get(0).asText()).isEqualTo(role);
        }
        assertThat(ROOT.resolve("deploy/prometheus.yml")).exists();
        assertThat(ROOT.resolve("Dockerfile")).exists();
    }
}
