package io.inferbroker.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatcherConfigTest {
    private final DispatcherConfig defaults = DispatcherConfig.defaults("dispatcher", TopicNames.unprefixed());

    @Test
    void shouldUseModelBatchingOrTheDefault() {
        ModelBatching own = new ModelBatching(32, Duration.ofMillis(5));
        DispatcherConfig config = defaults.withModel("big", own);

        assertThat(config.batchingFor("big")).isEqualTo(own);
        assertThat(config.batchingFor("other")).isEqualTo(ModelBatching.defaults());
        assertThat(ModelBatching.defaults()).isEqualTo(new ModelBatching(8, Duration.ofMillis(20)));
        assertThat(config.punctuateInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.workerLease()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.idlePoll()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldBoundTheIdlePoll() {
        assertThat(defaults.withIdlePoll(Duration.ZERO).idlePoll()).isZero();
        assertThat(defaults.withIdlePoll(Duration.ofMinutes(1)).idlePoll()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> defaults.withIdlePoll(Duration.ofMillis(-1)))
                .hasMessageStartingWith("the dispatcher's idle poll must be between");
        assertThatThrownBy(() -> defaults.withIdlePoll(Duration.ofMinutes(2)))
                .hasMessageStartingWith("the dispatcher's idle poll must be between");
    }

    @Test
    void shouldNameTheSettingWhenRejectingAValue() {
        assertThatThrownBy(() -> defaults.withNumStreamThreads(0))
                .hasMessage("BROKER_DISPATCHER_STREAM_THREADS must be between 1 and 64, was 0");
        assertThatThrownBy(() -> defaults.withPunctuateInterval(Duration.ZERO))
                .hasMessageStartingWith("BROKER_DISPATCHER_PUNCTUATE_INTERVAL must be between");
        assertThatThrownBy(() -> DispatcherConfig.defaults("bad id", TopicNames.unprefixed()))
                .hasMessageStartingWith("BROKER_DISPATCHER_APPLICATION_ID");
        assertThatThrownBy(() -> new ModelBatching(0, Duration.ZERO))
                .hasMessage("max_batch_size must be between 1 and 4096, was 0");
        assertThatThrownBy(() -> new ModelBatching(1, Duration.ofMillis(-1)))
                .hasMessageStartingWith("max_queue_delay must be >= 0");
    }

    @Test
    void shouldCloseBatchWhenFullOrWhenOldestWaitedLongEnough() {
        ModelBatching batching = new ModelBatching(4, Duration.ofMillis(20));

        assertThat(batching.isDue(0, Duration.ofSeconds(1))).isFalse();
        assertThat(batching.isDue(3, Duration.ofMillis(19))).isFalse();
        assertThat(batching.isDue(3, Duration.ofMillis(20))).isTrue();
        assertThat(batching.isDue(4, Duration.ZERO)).isTrue();
    }

    @Test
    void shouldSendPreferredSizesToBusyWorkersAndTricklesOnlyWhenFewWait() {
        ModelBatching batching = new ModelBatching(16, Duration.ofMillis(20), java.util.List.of(8, 16));

        assertThat(batching.sizeToSend(40, Duration.ofSeconds(1), 16)).isEqualTo(16);
        assertThat(batching.sizeToSend(40, Duration.ofSeconds(1), 10)).isEqualTo(8);
        assertThat(batching.sizeToSend(40, Duration.ofSeconds(1), 5))
                .as("enough jobs wait for a preferred batch: wait for room")
                .isZero();
        assertThat(batching.sizeToSend(3, Duration.ofMillis(20), 3))
                .as("a trickle after the delay")
                .isEqualTo(3);
        assertThat(batching.sizeToSend(3, Duration.ofMillis(19), 3)).isZero();
        assertThat(new ModelBatching(16, Duration.ofMillis(20)).sizeToSend(40, Duration.ZERO, 5))
                .isEqualTo(5);
    }
}
