package io.inferbroker.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WireSerdes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResultHeaderTest {
    private static final String TOPIC = Topic.RESULTS.baseName();

    /** A result as a worker writes it, but for its status. */
    private static byte[] result(String status) {
        return ("{\"schema_version\":1,\"job_id\":\"j1\",\"tenant_id\":\"acme\",\"model\":\"m\",\"status\":\""
                        + status + "\",\"worker_id\":\"w1\",\"attempt\":1,\"timings\":"
                        + "{\"accepted_at\":\"2030-01-01T00:00:00Z\",\"completed_at\":\"2030-01-01T00:00:01Z\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            names = {"QUEUED", "DISPATCHED", "RUNNING"})
    void aResultWithoutATerminalStatusIsUnreadable(JobStatus status) {
        byte[] bytes = result(status.wireName());
        assertThatThrownBy(() -> WireSerdes.JOB_RESULT.deserialize(TOPIC, bytes))
                .isExactlyInstanceOf(SerializationException.class);
        // Read as a header all the same, it would finish the job (release its worker, settle its budget).
        assertThatThrownBy(() -> ResultHeader.SERDE.deserialize(TOPIC, bytes))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot read ResultHeader from topic " + TOPIC
                        + ": the value breaks a rule of ResultHeader: a result needs a terminal status, got "
                        + status.wireName());
    }

    @ParameterizedTest
    @EnumSource(
            value = JobStatus.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {"QUEUED", "DISPATCHED", "RUNNING"})
    void aResultWithATerminalStatusReads(JobStatus status) {
        assertThat(ResultHeader.SERDE.deserialize(TOPIC, result(status.wireName())))
                .isEqualTo(new ResultHeader("j1", "m", "acme", status, "w1", null));
    }
}
