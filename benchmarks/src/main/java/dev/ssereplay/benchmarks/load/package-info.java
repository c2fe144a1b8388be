/**
 * The load generator: a non-blocking client that holds thousands of event-stream
 * connections on one or two selector threads and times every event it receives,
 * a publisher that posts events over HTTP (or has the server publish them
 * itself, in batches, for the scenarios with many streams), the seven
 * scenarios, and the runner that starts each server and writes the results.
 * <p>
 * Publish-to-receive latency is measured in this process: the publisher embeds
 * {@code System.nanoTime()} (relative to the start of the run) in each event's
 * data and the client subtracts it from the time it read the bytes, so both ends
 * read the same clock. At a fixed rate the embedded time is the time the event
 * was due, not the time it was sent, so a server that holds up its publisher is
 * charged for the wait (no coordinated omission). Events a server publishes
 * itself carry the load generator's time base in the same way (see
 * {@code EventData}): on Linux every process reads the same monotonic clock.
 */
package dev.ssereplay.benchmarks.load;
