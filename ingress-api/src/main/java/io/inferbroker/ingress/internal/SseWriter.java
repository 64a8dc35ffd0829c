package io.inferbroker.ingress.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Writes a Server-Sent Events response straight to the servlet response, flushing each event. The
 * status and headers go out with the first event ({@link #open}), so until then the request can
 * still be answered with an ordinary error. Not thread-safe: one writer per response, used by one
 * thread. An {@link IOException} means the client is gone.
 */
final class SseWriter {
    private static final int STREAM_BUFFER_BYTES = 4096;
    private final HttpServletResponse response;
    private @Nullable ServletOutputStream out;

    SseWriter(HttpServletResponse response) {
        this.response = response;
    }

    /** True once the status and headers were sent. */
    boolean isOpen() {
        return out != null;
    }

    /** Sends {@code 200} and the event-stream headers, once. */
    void open(String jobId) throws IOException {
        if (out != null) {
            return;
        }
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        response.setHeader(OpenAiErrors.JOB_ID_HEADER, jobId);
        // Every event is flushed at once: a small buffer does, and ten thousand open streams then
        // hold 4 KiB each instead of the server's default 32 KiB.
        response.setBufferSize(STREAM_BUFFER_BYTES);
        ServletOutputStream stream = response.getOutputStream();
        stream.flush();
        out = stream;
    }

    /** One {@code data:} event; {@code json} must be a single line, as compact JSON is. */
    void data(String json) throws IOException {
        write("data: " + json + "\n\n");
    }

    /** One named event; {@code id} (when not null) becomes the client's {@code Last-Event-ID}. */
    void event(@Nullable String id, String name, String json) throws IOException {
        StringBuilder b = new StringBuilder(json.length() + 40);
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        b.append("event: ").append(name).append('\n');
        b.append("data: ").append(json).append("\n\n");
        write(b.toString());
    }

    /** Tells the client how long to wait before reconnecting after the connection drops. */
    void retry(long millis) throws IOException {
        write("retry: " + millis + "\n\n");
    }

    /** A comment line, ignored by clients; keeps idle connections and proxies alive. */
    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
    }

    private void write(String event) throws IOException {
        ServletOutputStream stream = out;
        if (stream == null) {
            throw new IllegalStateException("open the stream before writing events");
        }
        stream.write(event.getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }
}
