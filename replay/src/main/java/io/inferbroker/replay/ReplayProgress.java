package io.inferbroker.replay;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * Told how far a replay got. Calls come from the one thread running the replay, in the order start,
 * advance..., finish.
 */
public interface ReplayProgress {

    /** The replay found this many records to read (an upper bound: compaction and markers leave gaps). */
    void start(long total);

    /** This many more records were read. */
    void advance(long records);

    /** The replay ended (also after a failure). */
    void finish();

    /** Reports nothing, for scripts and tests. */
    ReplayProgress QUIET = new ReplayProgress() {
        @Override
        public void start(long total) {}

        @Override
        public void advance(long records) {}

        @Override
        public void finish() {}
    };

    /** A progress bar with events read, rate and time left, drawn on {@code out} (a terminal). */
    static ReplayProgress bar(PrintStream out) {
        return new ReplayProgress() {
            private @Nullable ProgressBar bar;

            @Override
            public void start(long total) {
                bar = ProgressBar.builder()
                        .setTaskName("replay")
                        .setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUnit(" events", 1)
                        .showSpeed()
                        .setUpdateIntervalMillis(250)
                        .setConsumer(new ConsoleProgressBarConsumer(out))
                        .build();
            }

            @Override
            public void advance(long records) {
                if (bar != null) {
                    bar.stepBy(records);
                }
            }

            @Override
            public void finish() {
                if (bar != null) {
                    bar.close();
                    bar = null;
                }
            }
        };
    }
}
