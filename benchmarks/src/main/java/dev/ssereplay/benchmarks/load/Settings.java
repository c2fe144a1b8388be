package dev.ssereplay.benchmarks.load;

import java.time.Duration;

/**
 * The sizes and durations of the scenarios.
 *
 * @param subscribers subscribers of scenarios 1, 2, 4 and 5
 * @param idleConnections connections of scenario 3
 * @param slowConnections connections that stop reading in scenario 4
 * @param payloadBytes the size of each event's data
 * @param window events the throughput publisher may be ahead of the slowest
 * subscriber; below the default queue depth of sse-replay and WebFlux (256), so
 * that the throughput scenario measures delivery, not the slow-connection policy
 * @param warmup time before each measurement, not counted
 * @param measure the measurement window
 * @param slowFill time the slow connections get to fill their buffers before
 * scenario 4 measures
 * @param reconnectAfter how long scenario 5 publishes before the drop
 * @param catchUpTimeout how long scenario 5 waits for every subscriber to catch up
 * @param heartbeatWait how long scenario 3 waits after connecting, longer than the
 * servers' heartbeat interval
 * @param workers the load client's selector threads
 * @param connectConcurrency connects in progress at once while building a
 * population (the reconnect storm has no such limit)
 * @param streams streams of scenario 6, each with one subscriber
 * @param tokenStreams concurrent token streams of scenario 7
 * @param tokenEvents tokens per stream in scenario 7, before its final event
 * @param tokenRate tokens a second per stream in scenario 7
 * @param tokenTimeToLive the replay store's time to live on the server of
 * scenario 7, after which an ended stream is gone
 * @param tokenAway how long a client of scenario 7 is away when it drops, before
 * it reconnects
 */
public record Settings(int subscribers, int idleConnections, int slowConnections, int payloadBytes, int window,
		Duration warmup, Duration measure, Duration slowFill, Duration reconnectAfter, Duration catchUpTimeout,
		Duration heartbeatWait, int workers, int connectConcurrency, int streams, int tokenStreams, int tokenEvents,
		double tokenRate, Duration tokenTimeToLive, Duration tokenAway) {

	/** The heartbeat interval every server is started with. */
	public static final Duration HEARTBEAT = Duration.ofSeconds(5);

	/**
	 * Returns these settings with another measurement window.
	 * @param window the measurement window
	 * @return the settings
	 */
	public Settings withMeasure(Duration window) {
		return new Settings(this.subscribers, this.idleConnections, this.slowConnections, this.payloadBytes,
				this.window, this.warmup, window, this.slowFill, this.reconnectAfter, this.catchUpTimeout,
				this.heartbeatWait, this.workers, this.connectConcurrency, this.streams, this.tokenStreams,
				this.tokenEvents, this.tokenRate, this.tokenTimeToLive, this.tokenAway);
	}

	/**
	 * Returns these settings with other sizes for scenarios 6 and 7.
	 * @param streams streams of scenario 6
	 * @param tokenStreams token streams of scenario 7
	 * @param tokenEvents tokens per stream
	 * @param tokenRate tokens a second per stream
	 * @return the settings
	 */
	public Settings withStreams(int streams, int tokenStreams, int tokenEvents, double tokenRate) {
		return new Settings(this.subscribers, this.idleConnections, this.slowConnections, this.payloadBytes,
				this.window, this.warmup, this.measure, this.slowFill, this.reconnectAfter, this.catchUpTimeout,
				this.heartbeatWait, this.workers, this.connectConcurrency, streams, tokenStreams, tokenEvents,
				tokenRate, this.tokenTimeToLive, this.tokenAway);
	}

	/**
	 * Returns how long a token stream runs: its tokens at its rate.
	 * @return the duration
	 */
	public Duration tokenStreamDuration() {
		return Duration.ofNanos((long) (this.tokenEvents * 1e9 / this.tokenRate));
	}

	/**
	 * The sizes of the full run.
	 * @return the settings
	 */
	public static Settings full() {
		return new Settings(1000, 10_000, 100, 64, 128, Duration.ofSeconds(2), Duration.ofSeconds(20),
				Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(20),
				HEARTBEAT.plusMillis(1500), 1, 256, 10_000, 1000, 300, 30, Duration.ofSeconds(10),
				Duration.ofSeconds(1));
	}

	/**
	 * The sizes of the test that only checks the harness works.
	 * @return the settings
	 */
	public static Settings smoke() {
		return new Settings(20, 20, 5, 64, 64, Duration.ofMillis(300), Duration.ofMillis(700), Duration.ofMillis(500),
				Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMillis(1500), 1, 20, 20, 5, 30, 30,
				Duration.ofSeconds(1), Duration.ofMillis(200));
	}

}
