package dev.ssereplay.benchmarks.jmh;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReadResult;

/**
 * {@link InMemoryReplayStore}: appending to a full stream (which evicts its
 * oldest event), and reading the events after a position some way behind the
 * head, as a resuming subscriber does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InMemoryReplayStoreBenchmark {

	private static final String STREAM = "bench";

	private static final int HISTORY = 1000;

	/**
	 * Appends a 64-byte event.
	 * @param state the store
	 * @return the stored event
	 */
	@Benchmark
	public StoredEvent append(Appending state) {
		return state.store.append(STREAM, state.event);
	}

	/**
	 * Reads the events after a position, at most 500.
	 * @param state the store and position
	 * @return the events
	 */
	@Benchmark
	public ReadResult readAfter(Reading state) {
		return state.store.readAfter(STREAM, state.position, 500);
	}

	/**
	 * A store whose stream holds its maximum of events.
	 */
	@State(Scope.Benchmark)
	public static class Appending {

		InMemoryReplayStore store;

		SseEvent event;

		/** Fills the stream. */
		@Setup
		public void setUp() {
			this.store = filledStore();
			this.event = SseEvent.of("x".repeat(64));
		}

	}

	/**
	 * A full store and a position behind its head.
	 */
	@State(Scope.Benchmark)
	public static class Reading {

		/** How many events the reader is behind. */
		@Param({ "1", "100" })
		public int behind;

		InMemoryReplayStore store;

		EventId position;

		/** Fills the stream and picks the position. */
		@Setup
		public void setUp() {
			this.store = filledStore();
			EventId head = this.store.head(STREAM);
			this.position = new EventId(head.epoch(), head.sequence() - this.behind);
		}

	}

	static InMemoryReplayStore filledStore() {
		InMemoryReplayStore store = new InMemoryReplayStore(HISTORY, 64L * 1024 * 1024, Duration.ofHours(1));
		SseEvent event = SseEvent.of("x".repeat(64));
		for (int i = 0; i < HISTORY; i++) {
			store.append(STREAM, event);
		}
		return store;
	}

}
