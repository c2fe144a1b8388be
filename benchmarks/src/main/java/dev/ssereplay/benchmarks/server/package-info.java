/**
 * The servers compared, one sub-package each, all with the same HTTP API:
 * {@code GET /streams/{stream}} is the event stream and {@code POST /streams/{stream}}
 * publishes the request body as an event's data. Each also answers
 * {@code GET /admin/info} and {@code GET /admin/heap} for the load generator.
 * Some publish events themselves when asked, for the scenarios with many
 * streams: {@code POST /admin/publish-random} and {@code POST /admin/tokens}
 * (see {@link dev.ssereplay.benchmarks.server.Contender}).
 */
package dev.ssereplay.benchmarks.server;
