package io.inferbroker.launcher;

import io.inferbroker.replay.AuditTrail;
import io.inferbroker.replay.CostReport;
import io.inferbroker.replay.GroupBy;
import io.inferbroker.replay.PriceTable;
import io.inferbroker.replay.Reconciliation;
import io.inferbroker.replay.Replay;
import io.inferbroker.replay.ReplayException;
import io.inferbroker.replay.ReplayFilter;
import io.inferbroker.replay.ReplayProgress;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.ReplaySource;
import io.inferbroker.replay.ReportFormat;
import io.inferbroker.replay.ReportWriters;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.api.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code broker replay audit|cost|reconcile|dead-letters}: replays the topics over a time range. Exit codes: 0 done
 * (and, for reconcile, no discrepancy), 1 reconcile found discrepancies, 2 bad options or config, 3
 * the replay could not run (Kafka or PostgreSQL unreachable, a record unreadable).
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description =
                "Replay the topics over a time range: audit timelines, cost reports, reconciliation, dead letters.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:done (reconcile: no discrepancy)",
            "1:reconcile found discrepancies",
            "2:bad options or config",
            "3:Kafka or PostgreSQL could not be read"
        },
        subcommands = {
            ReplayCommand.Audit.class,
            ReplayCommand.Cost.class,
            ReplayCommand.Reconcile.class,
            ReplayCommand.DeadLetters.class
        })
final class ReplayCommand implements Runnable {
    static final int DISCREPANCIES = 1;
    static final int FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options of every replay: time range, filters, output. */
    static final class Window {
        @Option(
                names = "--from",
                paramLabel = "TIME",
                description = "start, RFC 3339 or relative (7d, 12h, 30m); default 1d")
        String from = "1d";

        @Option(
                names = "--to",
                paramLabel = "TIME",
                description = "end (exclusive), RFC 3339, relative or 'now' (default)")
        String to = "now";

        @Option(names = "--tenant", description = "only this tenant's jobs")
        String tenant;

        @Option(names = "--model", description = "only jobs of this model")
        String model;

        @Option(names = "--worker", description = "only jobs that ran on this worker")
        String worker;

        @Option(names = "--job", paramLabel = "ID", description = "only this job (repeatable)")
        List<String> jobs = new ArrayList<>();

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "write here instead of standard output")
        Path output;

        @Option(
                names = {"-q", "--quiet"},
                description = "no progress bar even on a terminal")
        boolean quiet;

        ReplayFilter filter() {
            return new ReplayFilter(
                    Optional.ofNullable(tenant),
                    Optional.ofNullable(model),
                    Optional.ofNullable(worker),
                    Set.copyOf(jobs));
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Main.Options options;

        @Mixin
        Window window;

        @Option(names = "--format", description = "table (default), csv, json (audit: JSON lines) or html")
        String format = "table";

        /** Runs the replay and writes its outcome; returns the exit code. */
        abstract int replay(Replay replay, ReplayRange range, ReportFormat format, BrokerConfig config);

        @Override
        public Integer call() {
            BrokerConfig config = options.load();
            String kafka = config.kafkaBootstrapServers()
                    .orElseThrow(() -> new ConfigException(
                            "broker replay needs Kafka: set BROKER_KAFKA_BOOTSTRAP_SERVERS or --kafka"));
            ReplayRange range;
            ReportFormat fmt;
            try {
                range = ReplayRange.parse(window.from, window.to, Instant.now());
                fmt = ReportFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            ReplaySource source = new ReplaySource(kafka, new TopicNames(config.topicPrefix()));
            Replay replay = new Replay(source, progress());
            try {
                return replay(replay, range, fmt, config);
            } catch (ReplayException | StoreException | UncheckedIOException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return FAILED;
            }
        }

        private ReplayProgress progress() {
            Console console = System.console();
            return !window.quiet && console != null && isTerminal(console)
                    ? ReplayProgress.bar(System.err)
                    : ReplayProgress.QUIET;
        }

        /** {@code Console.isTerminal()} where the JDK has it (22+); earlier JDKs have a console only on a terminal. */
        private static boolean isTerminal(Console console) {
            try {
                return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }

        CommandLine.ParameterException badOption(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }

        void write(Consumer<Appendable> writer) {
            try {
                if (window.output == null) {
                    PrintWriter out = spec.commandLine().getOut();
                    writer.accept(out);
                    out.flush();
                } else {
                    try (Writer w = Files.newBufferedWriter(window.output, StandardCharsets.UTF_8)) {
                        writer.accept(w);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + window.output, e);
            }
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "audit",
            description = "Timelines of jobs: accepted, queued, dispatched, tokens, result, webhooks.")
    static final class Audit extends Sub {
        @Option(names = "--limit", description = "at most this many jobs (default ${DEFAULT-VALUE})")
        int limit = Replay.DEFAULT_AUDIT_LIMIT;

        @Override
        int replay(Replay replay, ReplayRange range, ReportFormat format, BrokerConfig config) {
            if (format == ReportFormat.CSV || format == ReportFormat.HTML || limit < 1) {
                throw badOption("audit takes --format table or json and --limit >= 1");
            }
            AuditTrail trail = replay.audit(range, window.filter(), limit);
            write(out -> ReportWriters.audit(trail, format, out));
            return 0;
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "cost",
            description = "Usage, cost, latency and failure rates, grouped; re-rated with --prices.")
    static final class Cost extends Sub {
        @Option(
                names = "--group-by",
                paramLabel = "DIMS",
                description = "any of tenant,model,worker,day,hour (default ${DEFAULT-VALUE})")
        String groupBy = "model";

        @Option(
                names = "--prices",
                paramLabel = "FILE",
                description = "YAML or JSON price table to re-rate the usage with")
        Path prices;

        @Override
        int replay(Replay replay, ReplayRange range, ReportFormat format, BrokerConfig config) {
            List<GroupBy> dims;
            Optional<PriceTable> table;
            try {
                dims = GroupBy.parseList(groupBy);
                table = prices == null ? Optional.empty() : Optional.of(PriceTable.read(prices));
            } catch (IllegalArgumentException e) {
                throw badOption(e.getMessage());
            }
            CostReport report = replay.cost(range, window.filter(), dims, table);
            write(out -> ReportWriters.cost(report, format, out));
            return 0;
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "dead-letters",
            description = "Records consumers set aside: when, which role, topic, partition, offset and why.")
    static final class DeadLetters extends Sub {
        @Option(names = "--limit", description = "at most this many (default ${DEFAULT-VALUE})")
        int limit = 1000;

        @Override
        int replay(Replay replay, ReplayRange range, ReportFormat format, BrokerConfig config) {
            if (format == ReportFormat.CSV || format == ReportFormat.HTML || limit < 1) {
                throw badOption("dead-letters takes --format table or json and --limit >= 1");
            }
            Replay.DeadLetters letters = replay.deadLetters(range, limit);
            write(out -> ReportWriters.deadLetters(letters.letters(), format, out));
            if (letters.truncated()) {
                spec.commandLine().getErr().println("more dead letters in the range than --limit " + limit);
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }

    @Command(
            mixinStandardHelpOptions = true,
            name = "reconcile",
            description = "Compare costs recomputed from the topics with the result store; exit 1 on any discrepancy.")
    static final class Reconcile extends Sub {
        @Override
        int replay(Replay replay, ReplayRange range, ReportFormat format, BrokerConfig config) {
            if (format == ReportFormat.CSV || format == ReportFormat.HTML) {
                throw badOption("reconcile takes --format table or json");
            }
            String url = config.dbUrl()
                    .orElseThrow(() -> new ConfigException(
                            "broker replay reconcile needs PostgreSQL: set BROKER_DB_URL or --db-url"));
            StoreConfig store;
            try {
                store = new StoreConfig(
                        url, config.dbUser(), config.dbPassword().value(), 2, config.dbSchema());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage(), e);
            }
            try (StoreDatabase db = StoreDatabase.open(store, new SimpleMeterRegistry())) {
                Reconciliation r = replay.reconcile(range, window.filter(), db.ledger());
                write(out -> ReportWriters.reconciliation(r, format, out));
                return r.clean() ? 0 : DISCREPANCIES;
            }
        }
    }
}
