/**
 * The result store's front door: {@link io.inferbroker.store.api.Stores} and the stores, records and
 * errors behind it, and the check of webhook targets. The store module implements it on PostgreSQL.
 */
@NullMarked
package io.inferbroker.store.api;

import org.jspecify.annotations.NullMarked;
