/**
 * Benchmarks of sse-replay against the other ways to serve Server-Sent Events:
 * the servers compared ({@code server}), the load generator and the scenarios it
 * runs ({@code load}), and JMH micro benchmarks of the library's hot paths
 * ({@code jmh}). How to run them is in {@code BENCHMARKS.md}.
 */
package dev.ssereplay.benchmarks;
