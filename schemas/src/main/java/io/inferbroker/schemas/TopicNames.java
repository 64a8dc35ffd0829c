package io.inferbroker.schemas;

import java.util.regex.Pattern;

/**
 * Actual topic names for one deployment: the catalogue's names behind an optional prefix, so several
 * brokers (or tests) can share a Kafka cluster.
 */
public record TopicNames(String prefix) {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    public TopicNames {
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "topic prefix may hold only letters, digits, '.', '_' and '-', was '" + prefix + "'");
        }
    }

    public static TopicNames unprefixed() {
        return new TopicNames("");
    }

    public String name(Topic topic) {
        return prefix + topic.baseName();
    }

    public String requests() {
        return name(Topic.REQUESTS);
    }

    public String control() {
        return name(Topic.CONTROL);
    }

    public String dispatch() {
        return name(Topic.DISPATCH);
    }

    public String tokens() {
        return name(Topic.TOKENS);
    }

    public String results() {
        return name(Topic.RESULTS);
    }

    public String events() {
        return name(Topic.EVENTS);
    }

    public String workers() {
        return name(Topic.WORKERS);
    }

    public String webhooks() {
        return name(Topic.WEBHOOKS);
    }

    public String queues() {
        return name(Topic.QUEUES);
    }

    public String deadLetters() {
        return name(Topic.DEAD_LETTERS);
    }
}
