/**
 * Measurements of what the Redis store asks of Redis, counted with Redis's own
 * {@code INFO commandstats} rather than timed.
 */
package dev.ssereplay.benchmarks.redis;
