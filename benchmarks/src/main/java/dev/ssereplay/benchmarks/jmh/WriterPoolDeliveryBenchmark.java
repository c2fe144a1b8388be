package dev.ssereplay.benchmarks.jmh;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
import dev.ssereplay.broker.ElasticWriterPool;
import dev.ssereplay.event.Position;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.InMemoryReplayStore;

/**
 * Live delivery as in production: the {@link Broker} fans an event out to N
 * subscribers whose writers run on an {@link ElasticWriterPool} of one thread,
 * and each writes to a connection that only counts. One operation is one event,
 * appended on the benchmark thread, which then waits until every subscriber has
 * written it; {@code -prof gc} counts the allocation of every thread, so divide
 * by the subscribers for the cost of one delivery, queue and scheduling
 * included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WriterPoolDeliveryBenchmark {

	private static final String STREAM = "bench";

	/** Subscribers of the stream. */
	@Param({ "100", "1000" })
	public int subscribers;

	private final AtomicLong written = new AtomicLong();

	private long expected;

	private ElasticWriterPool writers;

	private InMemoryReplayStore store;

	private Broker broker;

	private SseEvent event;

	/** Subscribes the connections and waits for their first block. */
	@Setup(Level.Trial)
	public void setUp() {
		this.store = new InMemoryReplayStore(1000, 256L * 1024 * 1024, Duration.ofHours(1));
		BrokerOptions options = BrokerOptions.builder()
			.heartbeatInterval(Duration.ZERO)
			.retry(null)
			.maxConnections(100_000)
			.build();
		this.writers = new ElasticWriterPool(1, 0);
		this.broker = new Broker(this.store, options, this.writers);
		for (int i = 0; i < this.subscribers; i++) {
			this.broker.subscribe(STREAM, Position.FRESH, null, new CountingConnection(this.written));
		}
		this.expected = this.subscribers;
		awaitWritten();
		this.event = SseEvent.of("x".repeat(64));
	}

	/** Stops the broker and the pool. */
	@TearDown(Level.Trial)
	public void tearDown() {
		this.broker.close();
		this.writers.close();
	}

	/**
	 * Publishes one event and waits until every subscriber wrote it.
	 * @return the writes so far
	 */
	@Benchmark
	public long publishAndAwaitWrites() {
		this.store.append(STREAM, this.event);
		this.expected += this.subscribers;
		return awaitWritten();
	}

	private long awaitWritten() {
		long now;
		while ((now = this.written.get()) < this.expected) {
			Thread.onSpinWait();
		}
		return now;
	}

	/**
	 * A connection that counts the blocks it is given.
	 */
	static final class CountingConnection implements Connection {

		private final AtomicLong written;

		CountingConnection(AtomicLong written) {
			this.written = written;
		}

		@Override
		public void write(byte[] frames) {
			this.written.incrementAndGet();
		}

		@Override
		public void write(byte[][] frames, int count) {
			this.written.addAndGet(count);
		}

		@Override
		public void close() {
		}

	}

}
