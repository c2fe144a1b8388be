/**
 * Micrometer meters for sse-replay, all named {@code sse.replay.*}.
 */
package dev.ssereplay.metrics;
