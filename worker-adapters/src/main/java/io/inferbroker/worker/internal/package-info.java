/** Implementation of the worker runtime; not an API, may change without notice. */
@NullMarked
package io.inferbroker.worker.internal;

import org.jspecify.annotations.NullMarked;
