/**
 * The adapter for OpenAI-compatible model servers (vLLM, TGI, SGLang, llama.cpp server, Ollama,
 * OpenAI): {@link io.inferbroker.worker.openai.OpenAiCompatibleAdapter}. Everything but the adapter
 * is package-private.
 */
@NullMarked
package io.inferbroker.worker.openai;

import org.jspecify.annotations.NullMarked;
