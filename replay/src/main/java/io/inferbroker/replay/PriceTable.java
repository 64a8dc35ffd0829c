package io.inferbroker.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.inferbroker.schemas.Price;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Prices to re-rate usage with, read from a YAML or JSON file:
 *
 * <pre>
 * currency: USD
 * default: {input_per_million: 1.0, output_per_million: 2.0, per_gpu_second: 0}
 * models:
 *   llama-3-8b: {input_per_million: 0.2, output_per_million: 0.6, per_gpu_second: 0.0004}
 *   llama-3-8b@gpu-a: {input_per_million: 0.1, output_per_million: 0.3}
 * </pre>
 *
 * A job is rated with the entry for {@code model@worker}, else {@code model}, else {@code default};
 * missing rates are zero. Immutable.
 */
public record PriceTable(String currency, Optional<Price> fallback, Map<String, Price> models) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    public PriceTable {
        models = Map.copyOf(models);
    }

    /** The price of a job of this model on this worker, when the table has one. */
    public Optional<Price> priceFor(String model, @Nullable String worker) {
        Price p = worker == null ? null : models.get(model + "@" + worker);
        if (p == null) {
            p = models.get(model);
        }
        return p != null ? Optional.of(p) : fallback;
    }

    /**
     * Reads a price file.
     *
     * @throws IllegalArgumentException naming the file and the problem when it is unreadable or invalid
     */
    public static PriceTable read(Path file) {
        FileShape shape;
        try {
            shape = YAML.readValue(file.toFile(), FileShape.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read price file " + file + ": " + e.getMessage(), e);
        }
        return of(shape, "price file " + file);
    }

    /**
     * Reads a price table given as a JSON tree of the file's layout, such as an HTTP body's field.
     *
     * @param source names the tree in messages, such as {@code /prices}
     * @throws IllegalArgumentException naming {@code source} and the problem when it is invalid
     */
    public static PriceTable of(JsonNode tree, String source) {
        try {
            return of(YAML.treeToValue(tree, FileShape.class), source);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not a price table: " + e.getMessage(), e);
        }
    }

    private static PriceTable of(@Nullable FileShape shape, String source) {
        if (shape == null || shape.currency == null || shape.currency.isBlank()) {
            throw new IllegalArgumentException(source + " must name a currency");
        }
        Map<String, Price> models = new LinkedHashMap<>();
        if (shape.models != null) {
            shape.models.forEach((k, v) -> models.put(k, v.toPrice(source, "models." + k, shape.currency)));
        }
        Optional<Price> fallback =
                Optional.ofNullable(shape.fallback).map(e -> e.toPrice(source, "default", shape.currency));
        if (models.isEmpty() && fallback.isEmpty()) {
            throw new IllegalArgumentException(source + " has neither models nor a default price");
        }
        return new PriceTable(shape.currency, fallback, models);
    }

    /** The file's layout. */
    private static final class FileShape {
        public @Nullable String currency;

        @JsonProperty("default")
        public @Nullable Entry fallback;

        public @Nullable Map<String, Entry> models;
    }

    /** One price in the file; absent rates are zero. */
    private static final class Entry {
        public BigDecimal inputPerMillion = BigDecimal.ZERO;
        public BigDecimal outputPerMillion = BigDecimal.ZERO;
        public BigDecimal perGpuSecond = BigDecimal.ZERO;

        Price toPrice(String source, String key, String currency) {
            if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0 || perGpuSecond.signum() < 0) {
                throw new IllegalArgumentException(source + ": " + key + " has a negative rate");
            }
            return new Price(inputPerMillion, outputPerMillion, perGpuSecond, currency);
        }
    }
}
