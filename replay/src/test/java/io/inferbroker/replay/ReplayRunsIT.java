package io.inferbroker.replay;

import static io.inferbroker.replay.EventFeed.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class ReplayRunsIT {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static final ReplayRange ALL = new ReplayRange(at(0), at(4));

    @Test
    void shouldRunReplaysInTheBackgroundAndKeepTheirReports(KafkaInfra kafka) {
        try (EventFeed feed = new EventFeed(kafka);
                ReplayRuns runs = new ReplayRuns(
                        new ReplaySource(kafka.bootstrapServers(), kafka.topics()), Clock.systemUTC(), registry, 10)) {
            feed.standardSet();
            ReplayRun cost = runs.start(new ReplayRequest(
                    ReplayRequest.Kind.COST,
                    ALL,
                    ReplayFilter.all(),
                    List.of(GroupBy.MODEL),
                    Optional.empty(),
                    ReportFormat.CSV,
                    1));
            ReplayRun audit = runs.start(new ReplayRequest(
                    ReplayRequest.Kind.AUDIT,
                    ALL,
                    new ReplayFilter(Optional.empty(), Optional.empty(), Optional.empty(), Set.of("j1")),
                    List.of(),
                    Optional.empty(),
                    ReportFormat.JSON,
                    10));
            assertThat(cost.state()).isIn(ReplayRun.State.QUEUED, ReplayRun.State.RUNNING);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> runs.find(audit.id()).orElseThrow().state() == ReplayRun.State.SUCCEEDED);
            ReplayRun done = runs.find(cost.id()).orElseThrow();

            assertThat(done.state()).isEqualTo(ReplayRun.State.SUCCEEDED);
            assertThat(done.read()).isEqualTo(done.total()).isPositive();
            assertThat(done.report())
                    .hasValueSatisfying(r -> assertThat(r).contains("m1,3,1,1,1,1100,2000,3.000,0.0081"));
            assertThat(done.mediaType()).startsWith("text/csv");
            assertThat(runs.find(audit.id()).orElseThrow().report())
                    .hasValueSatisfying(r -> assertThat(r)
                            .contains("\"event\":\"result\"", "\"job_id\":\"j1\"")
                            .doesNotContain("\"j2\""));
            assertThat(runs.find("rpl_unknown")).isEmpty();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> registry.find("broker.replay.runs").tag("outcome", "succeeded").counters().stream()
                                    .mapToDouble(c -> c.count())
                                    .sum()
                            == 2);
        }
    }

    @Test
    void shouldRecordWhyAReplayFailed(KafkaInfra kafka) {
        var missing = new io.inferbroker.schemas.TopicNames(kafka.topics().prefix() + "nothing.");
        try (ReplayRuns runs =
                new ReplayRuns(new ReplaySource(kafka.bootstrapServers(), missing), Clock.systemUTC(), registry, 10)) {
            ReplayRun run = runs.start(new ReplayRequest(
                    ReplayRequest.Kind.COST,
                    ALL,
                    ReplayFilter.all(),
                    List.of(),
                    Optional.empty(),
                    ReportFormat.JSON,
                    1));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> runs.find(run.id()).orElseThrow().state() == ReplayRun.State.FAILED);

            assertThat(runs.find(run.id()).orElseThrow().error())
                    .hasValueSatisfying(e -> assertThat(e).contains("does not exist"));
        }
    }
}
