/** Implementation of the replay: the topic scan, slim record views, aggregation and report writers. */
@NullMarked
package io.inferbroker.replay.internal;

import org.jspecify.annotations.NullMarked;
