package io.inferbroker.worker.internal;

import io.inferbroker.worker.ModelAdapter;
import io.inferbroker.worker.http.EndpointConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * What every adapter of a model server over HTTP shares: its endpoint, and a session (client, probe,
 * retries, backpressure) whose health and backpressure are the adapter's. Subclasses say what a
 * batch becomes on the wire. Thread-safe; {@link #close()} closes the session.
 */
public abstract class UpstreamAdapter implements ModelAdapter {
    protected final EndpointConfig config;
    protected final UpstreamSession session;

    /**
     * @param kind the adapter's {@link #kind()}, naming its meters
     * @param healthPath what the session probes, relative to the endpoint's base URL
     */
    protected UpstreamAdapter(
            EndpointConfig config, String kind, String healthPath, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.session = new UpstreamSession(config, kind, healthPath, clock, registry);
    }

    @Override
    public final boolean healthy() {
        return session.state().healthy();
    }

    @Override
    public final Optional<Instant> backpressureUntil() {
        return session.state().backpressureUntil();
    }

    @Override
    public final void onStatusChange(Runnable changed) {
        session.state().onChange(changed);
    }

    @Override
    public final void close() {
        session.close();
    }
}
