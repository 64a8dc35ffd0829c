/**
 * Fake model servers for tests and benchmarks: real HTTP servers on an ephemeral port that speak the
 * wire formats of the upstreams the broker's workers call ({@link
 * io.inferbroker.testkit.upstream.FakeOpenAiServer}: vLLM-style OpenAI-compatible JSON and SSE;
 * {@link io.inferbroker.testkit.upstream.FakeKServeServer}: Open Inference Protocol v2 JSON) and
 * reproduce their failures on request ({@link io.inferbroker.testkit.upstream.Scenario}).
 */
@NullMarked
package io.inferbroker.testkit.upstream;

import org.jspecify.annotations.NullMarked;
