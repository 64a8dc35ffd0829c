package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;

class BodyLimitTest {
    /** Jetty fails a blocking read at the connection's idle timeout with an IOException so caused. */
    @Test
    void shouldAnswer408WhenTheBodyStoppedArriving() {
        Problem problem = BodyLimit.unreadable(
                        new IOException(new TimeoutException("Idle timeout expired: 30000/30000 ms")))
                .problem();

        assertThat(problem.status()).isEqualTo(408);
        assertThat(problem.type()).endsWith("request-timeout");
        assertThat(problem.detail()).doesNotContain("30000", "Exception");
    }

    @Test
    void shouldAnswer400NamingJettysPlainReasonForBadFraming() {
        Problem problem = BodyLimit.unreadable(new IOException(new BadMessageException("Bad chunking")))
                .problem();

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.detail()).endsWith(": Bad chunking");
    }
}
