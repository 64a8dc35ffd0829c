package io.inferbroker.ingress.internal;

/** Why a submission was refused. */
enum AdmissionReason {
    /** The tenant's requests-per-minute limit is used up. */
    REQUESTS_PER_MINUTE("rate-limited", "Rate limit exceeded", "requests"),
    /** The tenant's tokens-per-minute limit cannot take this request's estimated tokens now. */
    TOKENS_PER_MINUTE("rate-limited", "Rate limit exceeded", "tokens"),
    /** The model's queue is at its configured depth. */
    QUEUE_FULL("queue-full", "Model queue is full", "queue_full");

    private final String slug;
    private final String title;
    private final String tag;

    AdmissionReason(String slug, String title, String tag) {
        this.slug = slug;
        this.title = title;
        this.tag = tag;
    }

    /** The problem type slug ({@code /problems/<slug>}). */
    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    /** The metric tag value; a bounded set. */
    public String tag() {
        return tag;
    }
}
