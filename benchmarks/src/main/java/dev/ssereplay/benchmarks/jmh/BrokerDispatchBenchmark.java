package dev.ssereplay.benchmarks.jmh;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.broker.Connection;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.InMemoryReplayStore;

/**
 * {@link Broker} fan-out to N subscribers whose connection does nothing: append,
 * dispatch to every subscriber's queue, and run every writer, on the benchmark
 * thread (the executor queues tasks, the benchmark runs them). One operation is
 * one event; divide by the subscribers for the cost of one delivery. The
 * executor's queue is an array, like the {@code ElasticWriterPool}'s, so that
 * what {@code -prof gc} counts is the broker's own allocation.
 * <p>
 * {@code publishThenWrite} runs the writers after each event: one frame per
 * write, as when the writers keep up. {@code publishSixteenThenWrite} publishes
 * sixteen events before the writers run, so each writes sixteen frames at once,
 * as under load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BrokerDispatchBenchmark {

	private static final String STREAM = "bench";

	/** Subscribers of the stream. */
	@Param({ "1", "100", "1000" })
	public int subscribers;

	private final Queue<Runnable> writers = new ArrayDeque<>();

	private InMemoryReplayStore store;

	private Broker broker;

	private SseEvent event;

	/** Subscribes the connections and writes their first block. */
	@Setup(Level.Trial)
	public void setUp() {
		this.store = new InMemoryReplayStore(1000, 256L * 1024 * 1024, Duration.ofHours(1));
		// No heartbeats and no retry field: only events are written.
		BrokerOptions options = BrokerOptions.builder()
			.heartbeatInterval(Duration.ZERO)
			.retry(null)
			.maxConnections(100_000)
			.build();
		this.broker = new Broker(this.store, options, this.writers::add);
		for (int i = 0; i < this.subscribers; i++) {
			this.broker.subscribe(STREAM, Position.FRESH, null, new NoOpConnection());
		}
		runWriters();
		this.event = SseEvent.of("x".repeat(64));
	}

	/** Stops the broker. */
	@TearDown(Level.Trial)
	public void tearDown() {
		this.broker.close();
		runWriters();
	}

	/**
	 * Publishes one event and lets every writer write it.
	 * @return the writer tasks run
	 */
	@Benchmark
	public int publishThenWrite() {
		this.store.append(STREAM, this.event);
		return runWriters();
	}

	/**
	 * Publishes sixteen events, then lets every writer write them at once.
	 * @return the writer tasks run
	 */
	@Benchmark
	@OperationsPerInvocation(16)
	public int publishSixteenThenWrite() {
		for (int i = 0; i < 16; i++) {
			this.store.append(STREAM, this.event);
		}
		return runWriters();
	}

	private int runWriters() {
		int runs = 0;
		Runnable writer;
		while ((writer = this.writers.poll()) != null) {
			writer.run();
			runs++;
		}
		return runs;
	}

	/**
	 * A connection that only counts what it is given.
	 */
	static final class NoOpConnection implements Connection {

		long bytes;

		@Override
		public void write(byte[] frames) {
			this.bytes += frames.length;
		}

		@Override
		public void write(byte[][] frames, int count) {
			for (int i = 0; i < count; i++) {
				this.bytes += frames[i].length;
			}
		}

		@Override
		public void close() {
		}

	}

}
