/**
 * Settings shared by the adapters that call a model server over HTTP ({@code openai}, {@code
 * kserve}): where it is, its credentials, per-call timeouts and retries.
 */
@NullMarked
package io.inferbroker.worker.http;

import org.jspecify.annotations.NullMarked;
