package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.JobStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookEventsTest {

    @Test
    void shouldSelectByExactNameOrWildcard() {
        assertThat(WebhookEvents.subscribed(List.of("job.*"), "job.started")).isTrue();
        assertThat(WebhookEvents.subscribed(List.of("job.failed"), "job.succeeded"))
                .isFalse();
        assertThat(WebhookEvents.subscribed(List.of("job.failed", "job.succeeded"), "job.succeeded"))
                .isTrue();
    }

    @Test
    void shouldGiveAPerJobWebhookWithoutEventsOnlyTerminalOnes() {
        assertThat(WebhookEvents.selectedByJob(List.of(), "job.succeeded")).isTrue();
        assertThat(WebhookEvents.selectedByJob(List.of(), "job.started")).isFalse();
        assertThat(WebhookEvents.selectedByJob(List.of("job.started"), "job.started"))
                .isTrue();
    }

    @Test
    void shouldNameTerminalEventsAfterTheStatus() {
        assertThat(WebhookEvents.terminal(JobStatus.EXPIRED)).contains("job.expired");
        assertThat(WebhookEvents.terminal(JobStatus.RUNNING)).isEmpty();
        assertThat(WebhookEvents.isFilter("job.*")).isTrue();
        assertThat(WebhookEvents.isFilter("job.finished")).isFalse();
    }
}
