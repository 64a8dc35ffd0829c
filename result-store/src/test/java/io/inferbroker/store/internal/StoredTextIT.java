package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.api.StoredJob;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The encoding against PostgreSQL itself: what it writes is accepted, and what it reads back is exact. */
@ExtendWith(InfraExtension.class)
class StoredTextIT {
    private final ObjectMapper mapper = WireJson.newMapper();
    private PostgresInfra pg;
    private Jdbi jdbi;

    @BeforeEach
    void open(PostgresInfra pg) {
        this.pg = pg;
        jdbi = Jdbi.create(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @Test
    void shouldStoreInTextAndJsonbAndReadBackExactlyAnyTextWithNulAndTheEscapeCharacter() throws Exception {
        // PostgreSQL stores UTF-8, which has no lone surrogates; every other character must come back.
        List<String> texts = StoredTextTest.texts()
                .filter(t -> t.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE))
                .toList();
        List<String> json = texts.stream()
                .map(t -> mapper.createObjectNode().put("text", t).put(t + "key", 1))
                .map(node -> StoredText.encodeJson(node.toString()))
                .toList();

        List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                        select t, j::text as j
                        from unnest(cast(:t as text[]), cast(:j as jsonb[])) with ordinality as u(t, j, n)
                        order by n""")
                .bindArray(
                        "t",
                        String.class,
                        texts.stream().map(StoredText::encode).toList())
                .bindArray("j", String.class, json)
                .map((rs, ctx) -> new Row(rs.getString("t"), rs.getString("j")))
                .list());

        assertThat(rows).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            Row row = rows.get(i);
            assertThat(StoredText.decode(row.text())).isEqualTo(text);
            var back = mapper.readTree(StoredText.decodeJson(row.json()));
            assertThat(back.get("text").asText()).isEqualTo(text);
            assertThat(back.has(text + "key")).isTrue();
        }
    }

    @Test
    void shouldRewriteTheEscapeCharacterOfRowsStoredBeforeTheEncodingSoTheyReadBackUnchanged() throws Exception {
        String s = "\uE000";
        String output = "{\"text\":\"kept " + s + "0 and " + s + "1 as written\"}";
        try (StoreDatabase db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry())) {
            jdbi.useHandle(h -> h.createUpdate("""
                            insert into jobs (id, tenant_id, model, status, status_rank, created_at, updated_at,
                                              output, error_code, error_message, metadata)
                            values ('job-old', 't1', 'm', 'failed', 3, now(), now(), cast(:output as jsonb),
                                    'worker_error', :message, cast(:metadata as jsonb))""")
                    .bind("output", output)
                    .bind("message", "at " + s + "0")
                    .bind("metadata", "{\"k" + s + "1\":\"v" + s + "\"}")
                    .execute());
            String migration;
            try (var in = getClass().getResourceAsStream("/db/migration/V8__stored_text_escape.sql")) {
                migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }

            jdbi.useHandle(h -> h.execute(migration));

            StoredJob job = db.jobs().find("t1", "job-old").orElseThrow();
            assertThat(job.output().get("text").asText()).isEqualTo("kept " + s + "0 and " + s + "1 as written");
            assertThat(job.error().message()).isEqualTo("at " + s + "0");
            assertThat(job.metadata()).isEqualTo(Map.of("k" + s + "1", "v" + s));
        }
    }

    private record Row(String text, String json) {}
}
