/** Small readers of HTTP header values that more than one module needs. */
@NullMarked
package io.inferbroker.schemas.http;

import org.jspecify.annotations.NullMarked;
