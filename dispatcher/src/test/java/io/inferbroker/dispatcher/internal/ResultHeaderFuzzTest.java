package io.inferbroker.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.inferbroker.schemas.ContractViolationException;
import io.inferbroker.schemas.FuzzInputs;
import io.inferbroker.schemas.FuzzInputs.Mutation;
import io.inferbroker.schemas.FuzzTries;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WireSerdesFuzzTest;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * The dispatcher's own reader of the results topic ({@link ResultHeader#SERDE}) against arbitrary
 * bytes and against valid results mutated field by field and byte by byte, with the inputs of
 * {@code WireSerdesFuzzTest} (schemas): each input either reads as a header whose every required
 * field is set, or fails with {@link SerializationException} ({@link ContractViolationException},
 * naming the field, when it reads as JSON but breaks the contract). No other exception, no null.
 *
 * <p>The header also agrees with the full {@link JobResult} serde on the same bytes: a result that
 * serde reads reads as a header with the same fields, and a header read where that serde refuses
 * holds only values a result may hold (the refusal was about a field the dispatcher skips).
 *
 * <p>{@code -Dfuzz.tries=100000} runs the long campaign.
 */
@AddLifecycleHook(FuzzTries.class)
class ResultHeaderFuzzTest {
    private static final String TOPIC = Topic.RESULTS.baseName();
    private static final Timings TIMINGS = new Timings(Instant.EPOCH, null, null, null, Instant.EPOCH);

    @Property(tries = 1500)
    void arbitraryBytesReadAsAHeaderOrFailAsSerializationProblems(@ForAll("bytes") byte[] bytes) {
        check("bytes", bytes);
    }

    @Property(tries = 1500)
    void mutatedResultsReadAsAHeaderOrFailAsSerializationProblems(
            @ForAll("mutations") List<Mutation> mutations, @ForAll boolean full) {
        check("mutated", Mutation.applyAll(mutations, FuzzInputs.sample(Topic.RESULTS, full)));
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return FuzzInputs.bytes();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return FuzzInputs.mutations();
    }

    private static void check(String input, byte[] bytes) {
        @Nullable JobResult result = readAsResult(bytes);
        String outcome = outcome(bytes, result);
        Statistics.label(input).collect(outcome);
        Statistics.label(input + ", as a JobResult")
                .collect(outcome + " / result " + (result == null ? "refused" : "read"));
    }

    /** The result the full serde reads from {@code bytes}; null when it refuses them. */
    private static @Nullable JobResult readAsResult(byte[] bytes) {
        try {
            return WireSerdes.JOB_RESULT.deserialize(TOPIC, bytes);
        } catch (SerializationException e) {
            return null;
        }
    }

    /**
     * Reads {@code bytes} as a header and checks the outcome against {@code result}, what the full
     * serde read from them (null if it refused them); returns the outcome.
     */
    private static String outcome(byte[] bytes, @Nullable JobResult result) {
        ResultHeader header;
        try {
            header = ResultHeader.SERDE.deserialize(TOPIC, bytes);
        } catch (ContractViolationException e) {
            assertThat(e.field()).as("the field at fault").isNotNull();
            assertThat(e.topic()).isEqualTo(TOPIC);
            assertThat(result)
                    .as("a result read whose header is refused (%s)", e.getMessage())
                    .isNull();
            return "contract violation";
        } catch (SerializationException e) {
            assertThat(e.getMessage()).contains(TOPIC);
            assertThat(result)
                    .as("a result read whose header is refused (%s)", e.getMessage())
                    .isNull();
            return "unreadable";
        }
        assertThat(header).as("a non-null value read as null").isNotNull();
        assertThat(WireSerdesFuzzTest.firstUnsetRequired(header, ""))
                .as("a required field read as null")
                .isNull();
        if (result != null) {
            assertThat(header)
                    .as("the header of the result read from the same bytes")
                    .isEqualTo(new ResultHeader(
                            result.jobId(),
                            result.model(),
                            result.tenantId(),
                            result.status(),
                            result.workerId(),
                            result.cost()));
        } else {
            // The full serde refused the bytes: for a reason in the fields the dispatcher skips only.
            assertThatCode(() -> new JobResult(
                            JobResult.VERSION,
                            header.jobId(),
                            header.tenantId(),
                            header.model(),
                            header.status(),
                            null,
                            null,
                            null,
                            header.cost(),
                            header.workerId(),
                            0,
                            TIMINGS))
                    .as("a header no result can have, read from a value the result serde refuses")
                    .doesNotThrowAnyException();
        }
        return "read";
    }
}
