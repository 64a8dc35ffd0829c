package io.inferbroker.schemas;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the tries of a property from the system property {@code fuzz.tries} (the Maven property of
 * the same name) when it is positive, and its random seed from {@code fuzz.seed} when that is set
 * (the seed a failure report gives, to draw the same inputs again); otherwise the property keeps
 * what it declares. The fuzz tests of other modules add it too, from schemas' test-jar.
 */
public final class FuzzTries implements AroundPropertyHook {
    static final String PROPERTY = "fuzz.tries";
    static final String SEED = "fuzz.seed";

    /** The tries asked for on the command line, or 0 for none. */
    static int asked() {
        String value = System.getProperty(PROPERTY, "").trim();
        try {
            return value.isEmpty() ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a whole number, was " + value, e);
        }
    }

    /** Added to a class, the hook reaches each of its properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        int tries = asked();
        if (tries > 0) {
            context.attributes().setTries(tries);
        }
        String seed = System.getProperty(SEED, "").trim();
        if (!seed.isEmpty()) {
            context.attributes().setSeed(seed);
        }
        return property.execute();
    }
}
