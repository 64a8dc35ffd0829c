package io.inferbroker.launcher;

import java.util.EnumSet;
import java.util.Set;

/** The parts a broker process can run; {@code broker serve} runs them all. */
public enum Role {
    INGRESS,
    DISPATCHER,
    WORKER,
    STORE;

    public static Set<Role> all() {
        return EnumSet.allOf(Role.class);
    }

    /** Roles that read or write PostgreSQL. */
    public boolean needsDatabase() {
        return this == INGRESS || this == STORE;
    }
}
