package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This ingress instance's reader of the tokens, events and results topics, handing each record to
 * the local subscribers of its job and telling {@link LocalJobs} what it read. Fan-out: every
 * instance reads every partition (manual assignment, no consumer group, nothing committed), from
 * the end as of {@link #start}. A waiter subscribes <em>before</em> it produces its job or looks the
 * job up, so it cannot miss the result; a result that arrived shortly before a subscription is
 * handed to it from {@link LocalJobs}.
 *
 * <p>Only records of subscribed jobs, of jobs {@link LocalJobs} keeps tokens or follows events of,
 * and every result (for its recent results) are deserialized; one that does not read or breaks the
 * wire contract is written to the dead-letter topic and skipped. Memory is bounded per subscription
 * (see {@link FeedSubscription}). Thread-safe; one thread polls. Close it to stop polling; open
 * subscriptions then end with {@link FeedEndedException.Reason#FEED_CLOSED}.
 */
public final class JobFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STALL = Duration.ofSeconds(15);

    private final String instanceId;
    private final TopicNames topics;
    private final int streamCapacity;
    private final IngressMetrics metrics;
    /** Dates the dead letters it writes. */
    private final Clock clock;
    /** What this instance knows of jobs: told what the feed reads, asked what is worth decoding. */
    private final LocalJobs jobs;

    private final KafkaConsumer<String, byte[]> consumer;
    /** Where records this feed decodes but cannot take go; each instance writes its own. */
    private final KafkaProducer<String, byte[]> deadLetters;

    private final Map<String, Set<FeedSubscription>> subscribers = new ConcurrentHashMap<>();
    /** Runs what waiters do with a record (answer their request) off the poll thread, also after close. */
    private final Executor handoff =
            task -> Thread.ofVirtual().name("job-feed-handoff").start(task);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread poller;
    private volatile long lastPollNanos;
    private volatile boolean polling;

    private JobFeed(
            Properties kafkaClient,
            TopicNames topics,
            int streamCapacity,
            LocalJobs jobs,
            IngressMetrics metrics,
            Clock clock) {
        this.instanceId = "ingress-" + UUID.randomUUID();
        this.topics = topics;
        this.streamCapacity = streamCapacity;
        this.jobs = jobs;
        this.metrics = metrics;
        this.clock = clock;
        Properties p = new Properties();
        p.putAll(kafkaClient);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-feed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        Properties pp = new Properties();
        pp.putAll(kafkaClient);
        pp.remove(ConsumerConfig.GROUP_ID_CONFIG);
        pp.put(ProducerConfig.CLIENT_ID_CONFIG, instanceId + "-dead-letters");
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        this.deadLetters = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
        this.poller = Thread.ofPlatform().daemon().name("job-feed").unstarted(this::pollLoop);
        metrics.feedSubscribers(
                subscribers, m -> m.values().stream().mapToInt(Set::size).sum());
    }

    /**
     * Assigns every partition of the three topics, positions at their ends and starts polling.
     * Blocks until the positions are fixed, so a subscription made after this returns sees every
     * record produced after it.
     *
     * @param jobs what this instance knows of jobs, told what the feed reads; one feed per instance
     * @param clock dates the dead letters it writes
     * @throws FeedUnavailableException when Kafka does not answer within {@code timeout}
     */
    public static JobFeed start(
            Properties kafkaClient,
            TopicNames topics,
            int streamCapacity,
            LocalJobs jobs,
            IngressMetrics metrics,
            Clock clock,
            Duration timeout) {
        JobFeed feed = new JobFeed(kafkaClient, topics, streamCapacity, jobs, metrics, clock);
        try {
            feed.assign(timeout);
        } catch (KafkaException e) {
            feed.consumer.close(CloseOptions.timeout(Duration.ZERO));
            feed.deadLetters.close(Duration.ZERO);
            throw new FeedUnavailableException("cannot read the tokens, events and results topics: " + e, e);
        }
        feed.lastPollNanos = System.nanoTime();
        feed.polling = true;
        jobs.feedReading(true);
        feed.poller.start();
        return feed;
    }

    private void assign(Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.tokens(), topics.events(), topics.results())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException("topic " + topic + " does not exist");
            }
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> consumer.position(tp, timeout));
    }

    /** The id of this ingress instance, put in {@code reply_to} of the jobs it waits for. */
    public String instanceId() {
        return instanceId;
    }

    /** A subscription to the job's result only. */
    public FeedSubscription subscribe(String jobId) {
        return add(new FeedSubscription(jobId, 0, handoff, this::remove));
    }

    /**
     * A subscription to the job's tokens, status changes and result, queued up to the stream
     * capacity. The job's tokens are kept in {@link LocalJobs} from now on, so a stream that
     * reconnects here resumes from memory.
     */
    public FeedSubscription subscribeStream(String jobId) {
        jobs.keepTokens(jobId);
        return add(new FeedSubscription(jobId, streamCapacity, handoff, this::remove));
    }

    private FeedSubscription add(FeedSubscription sub) {
        if (closed.get()) {
            sub.end(new FeedEndedException(sub.jobId(), FeedEndedException.Reason.FEED_CLOSED, "the feed is closed"));
            return sub;
        }
        subscribers
                .computeIfAbsent(sub.jobId(), k -> ConcurrentHashMap.newKeySet())
                .add(sub);
        if (closed.get()) {
            // Closed while subscribing: endAll may have missed this one.
            sub.end(new FeedEndedException(sub.jobId(), FeedEndedException.Reason.FEED_CLOSED, "the feed is closed"));
        }
        JobResult recent = jobs.recentResult(sub.jobId());
        if (recent != null) {
            sub.deliver(new FeedRecord.Result(recent));
        }
        return sub;
    }

    private void remove(FeedSubscription sub) {
        subscribers.computeIfPresent(sub.jobId(), (k, set) -> {
            set.remove(sub);
            return set.isEmpty() ? null : set;
        });
    }

    /** True while every partition is assigned and the poll loop runs. Cheap, non-blocking. */
    public boolean isReady() {
        return polling && System.nanoTime() - lastPollNanos < STALL.toNanos();
    }

    private void pollLoop() {
        try {
            while (!closed.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                lastPollNanos = System.nanoTime();
                if (!records.isEmpty()) {
                    // Tokens before events before results: a job's result then follows its tokens
                    // whenever both arrive in one poll.
                    records.records(topics.tokens()).forEach(this::token);
                    records.records(topics.events()).forEach(this::event);
                    records.records(topics.results()).forEach(this::result);
                }
            }
        } catch (WakeupException e) {
            if (!closed.get()) {
                LOG.error("job feed woken up unexpectedly; it stops", e);
            }
        } catch (KafkaException e) {
            LOG.error("job feed stopped: waiting requests end, readiness reports it down", e);
        } finally {
            polling = false;
            jobs.feedReading(false);
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
            deadLetters.close(Duration.ofSeconds(2));
            endAll();
        }
    }

    private void token(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        TokenLog log = jobs.tokenArrives(r.key());
        if (log != null || subscribers.containsKey(r.key())) {
            var delta = decode(r, () -> WireSerdes.TOKEN_DELTA.deserialize(r.topic(), r.value()));
            if (delta != null) {
                metrics.tokenFed(delta.at());
                if (log != null) {
                    log.append(delta);
                }
                fanOut(new FeedRecord.Token(delta));
            }
        }
    }

    private void event(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (jobs.followsEvents(r.key()) || subscribers.containsKey(r.key())) {
            var event = decode(r, () -> WireSerdes.LIFECYCLE_EVENT.deserialize(r.topic(), r.value()));
            if (event != null) {
                jobs.eventRead(event);
                fanOut(new FeedRecord.Status(event));
            }
        }
    }

    private void result(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        JobResult result = decode(r, () -> WireSerdes.JOB_RESULT.deserialize(r.topic(), r.value()));
        if (result != null) {
            jobs.resultRead(result);
            fanOut(new FeedRecord.Result(result));
        }
    }

    private void fanOut(FeedRecord record) {
        Set<FeedSubscription> subs = subscribers.get(record.jobId());
        if (subs == null) {
            return;
        }
        for (FeedSubscription sub : subs) {
            if (sub.deliver(record)) {
                metrics.streamOverflowed();
            }
        }
        metrics.fannedOut(record);
    }

    /** The record's value, or null when it is a tombstone or cannot be taken (then it is dead-lettered). */
    private <T> @Nullable T decode(ConsumerRecord<String, byte[]> r, Supplier<T> decoder) {
        if (r.value() == null) {
            return null;
        }
        try {
            return decoder.get();
        } catch (SerializationException e) {
            deadLetter(r, e);
            return null;
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, SerializationException e) {
        DeadLetter letter = DeadLetter.of(
                ConsumerRole.INGRESS,
                r.topic(),
                r.partition(),
                r.offset(),
                r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
                r.value(),
                e,
                clock.instant());
        metrics.deadLetter(r.topic());
        LOG.warn(
                "job feed skips the record at {}-{} offset {}, written to the dead letters: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                letter.reason());
        try {
            deadLetters.send(
                    new ProducerRecord<>(
                            topics.deadLetters(),
                            letter.sourceRef(),
                            WireSerdes.DEAD_LETTER.serialize(topics.deadLetters(), letter)),
                    (meta, error) -> {
                        if (error != null) {
                            LOG.warn(
                                    "job feed could not write the dead letter of {}: {}",
                                    letter.sourceRef(),
                                    error.getMessage());
                        }
                    });
        } catch (KafkaException sendFailed) {
            LOG.warn("job feed could not write the dead letter of {}: {}", letter.sourceRef(), sendFailed.getMessage());
        }
    }

    private void endAll() {
        for (Set<FeedSubscription> subs : subscribers.values()) {
            for (FeedSubscription sub : subs) {
                sub.end(new FeedEndedException(
                        sub.jobId(), FeedEndedException.Reason.FEED_CLOSED, "the ingress stopped reading results"));
            }
        }
    }

    /** Stops polling and ends every open subscription; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            consumer.wakeup();
            try {
                poller.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
