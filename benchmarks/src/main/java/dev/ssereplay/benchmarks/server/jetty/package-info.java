/**
 * sse-replay on Jetty.
 */
package dev.ssereplay.benchmarks.server.jetty;
