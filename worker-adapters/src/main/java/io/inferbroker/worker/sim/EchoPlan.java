package io.inferbroker.worker.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.Usage;
import io.inferbroker.worker.JobOutcome;
import java.util.List;

/** What the simulator will do for one job, decided from its input before the batch starts. */
sealed interface EchoPlan {

    String jobId();

    /** Prompt tokens: the words of the job's input text. */
    int promptTokens();

    /** A text job: streams {@code tokens} one per decode step, then answers their concatenation. */
    record Text(String jobId, int promptTokens, List<String> tokens, String finishReason) implements EchoPlan {
        public Text {
            tokens = List.copyOf(tokens);
        }

        JobOutcome outcome() {
            ObjectNode output = JsonNodeFactory.instance.objectNode();
            output.put("text", String.join("", tokens));
            output.put("finish_reason", finishReason);
            return new JobOutcome.Succeeded(output, new Usage(promptTokens, tokens.size()));
        }
    }

    /** A job answered right after the prefill (embeddings, generic JSON). */
    record Immediate(String jobId, int promptTokens, JsonNode output) implements EchoPlan {
        JobOutcome outcome() {
            return new JobOutcome.Succeeded(output, new Usage(promptTokens, 0));
        }
    }

    /** A job whose input the simulator cannot run; it fails after the prefill. */
    record Invalid(String jobId, JobError error) implements EchoPlan {
        @Override
        public int promptTokens() {
            return 0;
        }
    }
}
