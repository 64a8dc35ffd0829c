package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The encoding against PostgreSQL itself: what it writes is accepted, and what it reads back is exact. */
@ExtendWith(InfraExtension.class)
class StoredTextIT {
    private final ObjectMapper mapper = WireJson.newMapper();
    private Jdbi jdbi;

    @BeforeEach
    void open(PostgresInfra pg) {
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

    private record Row(String text, String json) {}
}
