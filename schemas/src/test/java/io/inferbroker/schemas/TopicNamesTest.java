package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicNamesTest {

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldPutPrefixInFrontOfCatalogueName(Topic topic) {
        assertThat(new TopicNames("staging-2.").name(topic)).isEqualTo("staging-2." + topic.baseName());
    }

    @Test
    void shouldApplyPrefixInEveryNamedAccessor() {
        TopicNames names = new TopicNames("t42_");

        assertThat(List.of(
                        names.requests(),
                        names.control(),
                        names.dispatch(),
                        names.tokens(),
                        names.results(),
                        names.events(),
                        names.workers(),
                        names.webhooks(),
                        names.queues(),
                        names.deadLetters()))
                .containsExactlyElementsOf(Stream.of(Topic.values())
                        .map(t -> "t42_" + t.baseName())
                        .toList());
    }

    @Test
    void shouldUseCatalogueNamesWhenUnprefixed() {
        assertThat(TopicNames.unprefixed().requests()).isEqualTo("inference.requests");
        assertThat(TopicNames.unprefixed().workers()).isEqualTo("inference.workers");
        assertThat(TopicNames.unprefixed().queues()).isEqualTo("inference.queues");
    }

    @Test
    void shouldGiveEveryTopicADistinctName() {
        TopicNames names = new TopicNames("x.");

        assertThat(Stream.of(Topic.values()).map(names::name)).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad prefix", "tenant/a.", "ünicode.", "a:b"})
    void shouldRejectIllegalPrefixNamingIt(String prefix) {
        assertThatThrownBy(() -> new TopicNames(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + prefix + "'");
    }
}
