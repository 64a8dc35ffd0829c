package io.inferbroker.worker.openai;

import java.io.BufferedReader;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the data of Server-Sent Events from a stream, leniently: lines may end in LF, CR or CRLF;
 * comments ({@code :}) and fields other than {@code data} are skipped; {@code data:} with or without
 * the space; several data lines join with LF; an event that ends the stream without its blank line
 * still counts. Not thread-safe.
 */
final class SseEvents {
    private final BufferedReader reader;
    private boolean eof;

    SseEvents(BufferedReader reader) {
        this.reader = reader;
    }

    /**
     * The data of the next event; null at the end of the stream.
     *
     * @throws IOException when the stream breaks (a cut connection, an aborted call)
     */
    @Nullable
    String next() throws IOException {
        StringBuilder data = null;
        while (!eof) {
            // BufferedReader ends lines at LF, CR or CRLF, which are exactly SSE's line ends.
            String line = reader.readLine();
            if (line == null) {
                eof = true;
                break;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith(":") || !line.startsWith("data")) {
                continue;
            }
            String value;
            if (line.equals("data")) {
                value = "";
            } else if (line.charAt(4) == ':') {
                value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
            } else {
                continue;
            }
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }
}
