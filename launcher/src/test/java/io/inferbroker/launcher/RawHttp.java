package io.inferbroker.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 exchange over a plain socket, byte for byte as given: the fuzz tests send what no
 * client library would (NUL in a header, invalid percent-encoding, any method). Tells a dropped
 * connection and a hang apart from an answer.
 */
final class RawHttp {
    private RawHttp() {}

    /** How a body is framed on the wire; all but the first two are framing errors. */
    enum Framing {
        /** {@code Content-Length} of the body. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}, a few bytes per chunk. */
        CHUNKED,
        /** Chunked, with a chunk size that is not a hexadecimal number. */
        BAD_CHUNK,
        /** A {@code Content-Length} longer than the body, then the end of what the client sends. */
        SHORT
    }

    /** A header, its value in ISO-8859-1 as it goes on the wire. */
    record Header(String name, String value) {}

    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The connection ended without a whole answer, or the answer did not come in time. */
    static final class Broken extends Exception {
        private static final long serialVersionUID = 1L;

        Broken(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    static Response exchange(
            int port, String method, String target, List<Header> headers, byte @Nullable [] body, Duration timeout)
            throws Broken {
        return exchange(port, method, target, headers, body, Framing.LENGTH, timeout);
    }

    static Response exchange(
            int port,
            String method,
            String target,
            List<Header> headers,
            byte @Nullable [] body,
            Framing framing,
            Duration timeout)
            throws Broken {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        write(head, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n");
        for (Header h : headers) {
            write(head, h.name() + ": " + h.value() + "\r\n");
        }
        byte[] content = body == null ? null : framed(head, body, framing);
        write(head, "\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toByteArray());
                if (content != null) {
                    out.write(content);
                }
                out.flush();
                if (framing == Framing.SHORT) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer (413, 431) and close before reading all of a request: read on.
            }
            byte[] all = readAll(socket.getInputStream(), deadline);
            return parse(all, method.equals("HEAD"));
        } catch (SocketTimeoutException e) {
            throw new Broken("no answer within " + timeout, e);
        } catch (IOException e) {
            throw new Broken("connection failed: " + e, e);
        }
    }

    /** Writes the framing header of {@code body} to {@code head}; returns the bytes that follow it. */
    private static byte[] framed(ByteArrayOutputStream head, byte[] body, Framing framing) {
        switch (framing) {
            case LENGTH -> write(head, "Content-Length: " + body.length + "\r\n");
            case SHORT -> write(head, "Content-Length: " + (body.length + 5) + "\r\n");
            default -> write(head, "Transfer-Encoding: chunked\r\n");
        }
        if (framing == Framing.LENGTH || framing == Framing.SHORT) {
            return body;
        }
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        if (framing == Framing.BAD_CHUNK) {
            write(chunks, "zz\r\n");
        }
        for (int at = 0; at < body.length; at += 7) {
            int n = Math.min(7, body.length - at);
            write(chunks, Integer.toHexString(n) + "\r\n");
            chunks.write(body, at, n);
            write(chunks, "\r\n");
        }
        write(chunks, "0\r\n\r\n");
        return chunks.toByteArray();
    }

    private static byte[] readAll(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("the answer did not end in time");
            }
        }
        return all.toByteArray();
    }

    private static Response parse(byte[] all, boolean head) throws Broken {
        int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            throw new Broken("the connection closed without a whole answer (" + all.length + " bytes)", null);
        }
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new Broken("not an HTTP answer: " + lines[0], null);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if (head) {
            return new Response(Integer.parseInt(status[1]), headers, new byte[0]); // the length of a GET, no body
        }
        if (headers.getOrDefault("transfer-encoding", "").equalsIgnoreCase("chunked")) {
            rest = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            long length = Long.parseLong(headers.get("content-length"));
            if (rest.length < length) {
                throw new Broken("the body ended after " + rest.length + " of " + length + " bytes", null);
            }
        }
        return new Response(Integer.parseInt(status[1]), headers, rest);
    }

    private static byte[] dechunk(byte[] chunked) throws Broken {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        byte[] crlf = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
        while (true) {
            int lineEnd = indexOf(chunked, crlf, at);
            if (lineEnd < 0) {
                throw new Broken("a chunked body ended without its last chunk", null);
            }
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                return body.toByteArray();
            }
            if (lineEnd + 2 + length > chunked.length) {
                throw new Broken("a chunk ended early", null);
            }
            body.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
