/**
 * The broker's HTTP API as integration tests call it: {@link io.inferbroker.testkit.http.HttpTestClient}
 * sends requests with an API key and a JSON body and reads the {@link
 * io.inferbroker.testkit.http.Answer} whole; {@link io.inferbroker.testkit.http.ProblemAssert} checks
 * an RFC 9457 problem answer.
 */
@NullMarked
package io.inferbroker.testkit.http;

import org.jspecify.annotations.NullMarked;
