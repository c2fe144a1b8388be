/**
 * The servers compared, one sub-package each, all with the same HTTP API:
 * {@code GET /streams/{stream}} is the event stream and {@code POST /streams/{stream}}
 * publishes the request body as an event's data. Each also answers
 * {@code GET /admin/info} and {@code GET /admin/heap} for the load generator.
 */
package dev.ssereplay.benchmarks.server;
