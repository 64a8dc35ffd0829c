package io.inferbroker.ingress;

import java.util.function.BooleanSupplier;

/** One named condition {@code /health/ready} requires; the supplier must be cheap and non-blocking. */
public record ReadinessCheck(String name, BooleanSupplier ready) {}
