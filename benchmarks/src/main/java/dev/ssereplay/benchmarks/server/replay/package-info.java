/**
 * The sse-replay contender: the starter as an application uses it.
 */
package dev.ssereplay.benchmarks.server.replay;
