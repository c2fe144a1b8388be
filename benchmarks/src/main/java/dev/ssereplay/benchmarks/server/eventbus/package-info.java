/**
 * The sse-eventbus contender: the {@code ch.rasc:sse-eventbus} library.
 */
package dev.ssereplay.benchmarks.server.eventbus;
