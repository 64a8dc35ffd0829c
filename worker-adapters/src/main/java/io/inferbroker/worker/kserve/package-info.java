/**
 * The adapter for Open Inference Protocol v2 servers (KServe, Triton): {@link
 * io.inferbroker.worker.kserve.KServeV2Adapter}. Everything but the adapter is package-private.
 */
@NullMarked
package io.inferbroker.worker.kserve;

import org.jspecify.annotations.NullMarked;
