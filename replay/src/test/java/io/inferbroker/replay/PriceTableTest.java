package io.inferbroker.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.Price;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
    @TempDir
    Path dir;

    @Test
    void shouldPreferModelAtWorkerThenModelThenDefault() throws Exception {
        PriceTable t = PriceTable.read(write("p.yaml", """
                currency: EUR
                default: {per_gpu_second: 0.5}
                models:
                  m1: {input_per_million: 2, output_per_million: 4}
                  m1@w9: {input_per_million: 1}
                """));

        assertThat(t.priceFor("m1", "w9").map(Price::inputPerMillion))
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("1"));
        assertThat(t.priceFor("m1", "w1").map(Price::outputPerMillion))
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("4"));
        assertThat(t.priceFor("m2", null).map(Price::perGpuSecond))
                .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo("0.5"));
        assertThat(t.priceFor("m2", null).map(Price::currency)).contains("EUR");
    }

    @Test
    void shouldReadJsonAndLeaveUnknownModelsUnpricedWithoutADefault() throws Exception {
        PriceTable t =
                PriceTable.read(write("p.json", "{\"currency\":\"USD\",\"models\":{\"m1\":{\"per_gpu_second\":1}}}"));

        assertThat(t.priceFor("m1", null)).isPresent();
        assertThat(t.priceFor("m2", null)).isEmpty();
    }

    @Test
    void shouldRejectBadFilesNamingTheProblem() throws Exception {
        assertThatThrownBy(() -> PriceTable.read(write("a.yaml", "models: {m1: {input_per_million: 1}}")))
                .hasMessageContaining("currency");
        assertThatThrownBy(() -> PriceTable.read(write("b.yaml", "currency: USD\nmodels: {m1: {input: 1}}")))
                .hasMessageContaining("b.yaml")
                .hasMessageContaining("input");
        assertThatThrownBy(
                        () -> PriceTable.read(write("c.yaml", "currency: USD\nmodels: {m1: {input_per_million: -1}}")))
                .hasMessageContaining("models.m1 has a negative rate");
        assertThatThrownBy(() -> PriceTable.read(dir.resolve("missing.yaml"))).hasMessageContaining("cannot read");
    }

    @Test
    void shouldParseGroupByLists() {
        assertThat(GroupBy.parseList("tenant, day,tenant")).isEqualTo(List.of(GroupBy.TENANT, GroupBy.DAY));
        assertThat(GroupBy.parseList("")).isEmpty();
        assertThatThrownBy(() -> GroupBy.parseList("tenant,region")).hasMessageContaining("'region'");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
