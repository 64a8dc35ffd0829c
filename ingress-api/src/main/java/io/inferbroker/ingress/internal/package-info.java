/** Implementation of the ingress; not an API, may change without notice. */
@NullMarked
package io.inferbroker.ingress.internal;

import org.jspecify.annotations.NullMarked;
