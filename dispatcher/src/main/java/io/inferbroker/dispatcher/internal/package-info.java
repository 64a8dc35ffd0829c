/** Implementation of the dispatcher; not an API, may change without notice. */
@NullMarked
package io.inferbroker.dispatcher.internal;

import org.jspecify.annotations.NullMarked;
