package io.inferbroker.worker.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The measured batch curve shipped as {@value #RESOURCE}: generation timings of Llama-shaped models
 * on one H100 at batch sizes 1 to 128 (see the data's README).
 */
record BatchCurve(String device, List<Profile> models) {
    static final String RESOURCE = "/sim/h100-batch-curve.json";

    BatchCurve {
        models = List.copyOf(models);
    }

    /** One model's measurements; {@code promptLen} prompt tokens and {@code newTokens} generated. */
    record Profile(String name, long params, int promptLen, int newTokens, List<Point> batches) {
        Profile {
            batches = List.copyOf(batches);
        }
    }

    /** One batch size: prefill seconds and the mean decode step in milliseconds. */
    record Point(int batch, double prefillS, double generateS, double decodeStepMs, double genTokensPerS) {}

    static BatchCurve load() {
        ObjectMapper mapper = WireJson.newMapper();
        try (InputStream in = BatchCurve.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
            }
            return mapper.readValue(in, BatchCurve.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
