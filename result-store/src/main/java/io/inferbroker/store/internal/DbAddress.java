package io.inferbroker.store.internal;

import java.util.Properties;
import org.postgresql.Driver;

/** Renders a JDBC URL as {@code host:port/database} for messages, without credentials or options. */
public final class DbAddress {
    private DbAddress() {}

    public static String describe(String jdbcUrl) {
        Properties p = Driver.parseURL(jdbcUrl, null);
        if (p == null) {
            int query = jdbcUrl.indexOf('?');
            return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        }
        String[] hosts = p.getProperty("PGHOST", "localhost").split(",");
        String[] ports = p.getProperty("PGPORT", "5432").split(",");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(hosts[i]).append(':').append(ports[Math.min(i, ports.length - 1)]);
        }
        return sb.append('/').append(p.getProperty("PGDBNAME", "")).toString();
    }
}
