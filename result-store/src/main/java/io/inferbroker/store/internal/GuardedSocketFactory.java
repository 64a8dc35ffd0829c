package io.inferbroker.store.internal;

import io.inferbroker.store.api.AddressPolicy;
import io.inferbroker.store.api.RefusedTargetException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Plain sockets that refuse to connect to an address the {@link AddressPolicy} refuses: the last
 * check, on the very address connected to (also for IP-literal URLs and for TLS, which OkHttp layers
 * over these sockets keeping the host name for SNI). Thread-safe.
 */
final class GuardedSocketFactory extends SocketFactory {
    private final AddressPolicy policy;

    GuardedSocketFactory(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public Socket createSocket() {
        return new GuardedSocket(policy);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    private static final class GuardedSocket extends Socket {
        private final AddressPolicy policy;

        GuardedSocket(AddressPolicy policy) {
            this.policy = policy;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (endpoint instanceof InetSocketAddress isa) {
                InetAddress a = isa.getAddress();
                if (a == null || !policy.permits(a)) {
                    throw new RefusedTargetException("refused: connecting to internal address "
                            + (a == null ? isa.getHostString() : a.getHostAddress())
                            + " (not in webhooks.allow_list)");
                }
            }
            super.connect(endpoint, timeout);
        }
    }
}
