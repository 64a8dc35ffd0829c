package io.inferbroker.worker.openai;

import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import org.junit.jupiter.api.AfterAll;

/** The contract against a fake vLLM server: LF lines, finish reasons, a usage chunk with {@code choices: null}. */
class OpenAiCompatibleAdapterIT extends OpenAiContract {
    static final FakeOpenAiServer SERVER = FakeOpenAiServer.start(FakeOpenAiServer.Dialect.VLLM, "upstream-name");

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    @Override
    FakeOpenAiServer server() {
        return SERVER;
    }

    @Override
    boolean finishReasons() {
        return true;
    }
}
