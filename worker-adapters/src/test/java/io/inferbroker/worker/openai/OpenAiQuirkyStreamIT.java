package io.inferbroker.worker.openai;

import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract against a server with every SSE quirk at once: CRLF line ends, {@code :} comments
 * between chunks, no finish reason, a usage chunk with empty choices.
 */
class OpenAiQuirkyStreamIT extends OpenAiContract {
    static final FakeOpenAiServer SERVER = FakeOpenAiServer.start(FakeOpenAiServer.Dialect.QUIRKY, "upstream-name");

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
        return false;
    }
}
