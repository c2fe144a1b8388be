package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import org.HdrHistogram.Histogram;

/**
 * Holds many event-stream connections to one server on a few selector threads
 * ({@link Worker}s) and aggregates what they receive. The server may be several
 * instances of one application: the connections are then spread over them in
 * turn, and each reconnects to the next one when dropped.
 * <p>
 * Thread-safe: the scenarios call it from their own thread; results are read on
 * each worker's thread and handed back, so no connection state is read racily.
 */
final class LoadClient implements AutoCloseable {

	private final List<InetSocketAddress> addresses;

	private final List<String> hosts;

	private final long origin;

	private final Worker[] workers;

	private final AtomicInteger next = new AtomicInteger();

	private final AtomicInteger streaming = new AtomicInteger();

	private final AtomicInteger ended = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicReference<Throwable> workerFailure = new AtomicReference<>();

	private volatile Semaphore connecting;

	private volatile Runnable onProgress;

	/**
	 * Starts the selector threads.
	 * @param address the server
	 * @param workers the number of selector threads
	 * @param origin the time base of event timestamps, from {@code System.nanoTime()}
	 */
	LoadClient(InetSocketAddress address, int workers, long origin) throws IOException {
		this(List.of(address), workers, origin);
	}

	/**
	 * Starts the selector threads for a server of several instances.
	 * @param addresses the instances: connection {@code i} connects to instance
	 * {@code i} modulo their number
	 * @param workers the number of selector threads
	 * @param origin the time base of event timestamps, from {@code System.nanoTime()}
	 */
	LoadClient(List<InetSocketAddress> addresses, int workers, long origin) throws IOException {
		if (addresses.isEmpty()) {
			throw new IllegalArgumentException("No server address");
		}
		this.addresses = List.copyOf(addresses);
		List<String> hosts = new ArrayList<>();
		for (InetSocketAddress address : addresses) {
			hosts.add(address.getHostString() + ":" + address.getPort());
		}
		this.hosts = List.copyOf(hosts);
		this.origin = origin;
		this.workers = new Worker[workers];
		for (int i = 0; i < workers; i++) {
			this.workers[i] = new Worker(this, "sse-load-" + i);
		}
		for (Worker worker : this.workers) {
			worker.start();
		}
	}

	/** Where a connection to the given instance connects. */
	InetSocketAddress address(int instance) {
		return this.addresses.get(instance);
	}

	/** The {@code Host} header of a connection to the given instance. */
	String host(int instance) {
		return this.hosts.get(instance);
	}

	long origin() {
		return this.origin;
	}

	/**
	 * Opens connections and waits until each streams (answered 200) or failed.
	 * @param count how many
	 * @param path the request path of the connection with the given index
	 * @param firstIndex the index of the first connection
	 * @param slow whether these connections stop reading once they stream
	 * @param track whether to record exactly which events arrive
	 * @param concurrency the most connects in progress at once, which keeps a
	 * server's accept queue from overflowing while a large idle population connects
	 * @param timeout how long to wait for all
	 * @return the connections
	 */
	List<SseConnection> connect(int count, IntFunction<String> path, int firstIndex, boolean slow, boolean track,
			int concurrency, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Semaphore permits = new Semaphore(concurrency);
		this.connecting = permits;
		List<SseConnection> connections = new ArrayList<>(count);
		try {
			for (int i = 0; i < count; i++) {
				if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					break;
				}
				int index = firstIndex + i;
				SseConnection connection = new SseConnection(this, index, path.apply(index), slow);
				connection.instance = index % this.addresses.size();
				if (track) {
					connection.trackSequences();
				}
				connections.add(connection);
				Worker worker = this.workers[Math.floorMod(this.next.getAndIncrement(), this.workers.length)];
				connection.worker = worker;
				worker.submit(() -> worker.open(connection));
			}
			permits.tryAcquire(concurrency, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		finally {
			this.connecting = null;
		}
		return connections;
	}

	/**
	 * Closes the sockets of connections and opens them again at once, each sending
	 * the last event id it received, to the next instance of the server (with
	 * two, the other one; with one, the same). From the drop on, a connection
	 * counts as caught up once it receives an event numbered {@code target} or
	 * later.
	 * @param connections the connections to drop
	 * @param target the sequence number that marks a connection caught up
	 */
	void dropAndReconnect(List<SseConnection> connections, long target) {
		Map<Worker, List<SseConnection>> byWorker = byWorker(connections);
		byWorker.forEach((worker, owned) -> worker.submit(() -> {
			for (SseConnection connection : owned) {
				worker.close(connection);
				connection.instance = (connection.instance + 1) % this.addresses.size();
				connection.catchUpTarget = target;
				connection.caughtUpAt = 0;
			}
			for (SseConnection connection : owned) {
				worker.open(connection);
			}
		}));
	}

	/**
	 * Opens connections that have ended again, each sending the last event id it
	 * received.
	 * @param connections the connections
	 */
	void reopen(List<SseConnection> connections) {
		byWorker(connections).forEach((worker, owned) -> worker.submit(() -> {
			for (SseConnection connection : owned) {
				worker.close(connection);
				worker.open(connection);
			}
		}));
	}

	/**
	 * Changes connections on their workers' threads, and waits until it is done.
	 * @param connections the connections
	 * @param change what to do to each
	 */
	void each(List<SseConnection> connections, Consumer<SseConnection> change) throws InterruptedException {
		sum(connections, (connection) -> {
			change.accept(connection);
			return 0;
		});
	}

	/**
	 * Closes connections.
	 * @param connections the connections
	 */
	void close(List<SseConnection> connections) throws InterruptedException {
		Map<Worker, List<SseConnection>> byWorker = byWorker(connections);
		List<CompletableFuture<Void>> done = new ArrayList<>();
		byWorker.forEach((worker, owned) -> {
			CompletableFuture<Void> future = new CompletableFuture<>();
			worker.submit(() -> {
				owned.forEach(worker::close);
				worker.connections().removeAll(owned);
				future.complete(null);
			});
			done.add(future);
		});
		for (CompletableFuture<Void> future : done) {
			await(future);
		}
	}

	/**
	 * Sums a number over connections, reading each on its own worker's thread.
	 */
	long sum(List<SseConnection> connections, ToLongFunction<SseConnection> value) throws InterruptedException {
		return values(connections, value).stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * Returns the largest of a number over connections.
	 */
	long max(List<SseConnection> connections, ToLongFunction<SseConnection> value) throws InterruptedException {
		return values(connections, value).stream().mapToLong(Long::longValue).max().orElse(0);
	}

	/**
	 * Counts the connections for which a condition holds.
	 */
	long count(List<SseConnection> connections, Predicate<SseConnection> condition) throws InterruptedException {
		return sum(connections, (connection) -> condition.test(connection) ? 1 : 0);
	}

	private List<Long> values(List<SseConnection> connections, ToLongFunction<SseConnection> value)
			throws InterruptedException {
		List<CompletableFuture<List<Long>>> parts = new ArrayList<>();
		byWorker(connections).forEach((worker, owned) -> {
			CompletableFuture<List<Long>> part = new CompletableFuture<>();
			worker.submit(() -> {
				List<Long> values = new ArrayList<>(owned.size());
				for (SseConnection connection : owned) {
					values.add(value.applyAsLong(connection));
				}
				part.complete(values);
			});
			parts.add(part);
		});
		List<Long> results = new ArrayList<>();
		for (CompletableFuture<List<Long>> part : parts) {
			results.addAll(await(part));
		}
		return results;
	}

	/**
	 * The smallest sequence number every live, reading connection has received:
	 * the publisher's flow control in the throughput scenario.
	 */
	long minAcknowledged(List<SseConnection> connections) {
		long min = Long.MAX_VALUE;
		for (SseConnection connection : connections) {
			if (connection.alive && !connection.slow) {
				min = Math.min(min, connection.acknowledged());
			}
		}
		return (min == Long.MAX_VALUE) ? -1 : min;
	}

	/** Events received by every connection since the client started. */
	long delivered() {
		long total = 0;
		for (Worker worker : this.workers) {
			total += worker.deliveredCount();
		}
		return total;
	}

	/**
	 * Returns the latencies recorded since the previous call, in microseconds.
	 * @return a new histogram
	 */
	synchronized Histogram latencies() {
		Histogram total = new Histogram(Worker.MAX_LATENCY_MICROS, 3);
		for (Worker worker : this.workers) {
			worker.addLatenciesTo(total);
		}
		return total;
	}

	/**
	 * Sets what the selector threads call after each round of reads, such as
	 * waking a publisher that waits for acknowledgements.
	 */
	void onProgress(Runnable action) {
		this.onProgress = action;
	}

	void progressed() {
		Runnable action = this.onProgress;
		if (action != null) {
			action.run();
		}
	}

	int streamingCount() {
		return this.streaming.get();
	}

	int endedCount() {
		return this.ended.get();
	}

	int failedCount() {
		return this.failed.get();
	}

	void checkHealthy() {
		Throwable failure = this.workerFailure.get();
		if (failure != null) {
			throw new IllegalStateException("A load client thread failed", failure);
		}
	}

	void streamingStarted(SseConnection connection) {
		this.streaming.incrementAndGet();
		release();
	}

	void ended(SseConnection connection, boolean wasStreaming) {
		this.ended.incrementAndGet();
		if (wasStreaming) {
			this.streaming.decrementAndGet();
		}
		else {
			release();
		}
	}

	void failed(SseConnection connection, boolean wasStreaming) {
		this.failed.incrementAndGet();
		if (wasStreaming) {
			this.streaming.decrementAndGet();
		}
		else {
			release();
		}
	}

	void workerFailed(Throwable failure) {
		this.workerFailure.compareAndSet(null, failure);
	}

	private void release() {
		Semaphore permits = this.connecting;
		if (permits != null) {
			permits.release();
		}
	}

	private Map<Worker, List<SseConnection>> byWorker(List<SseConnection> connections) {
		Map<Worker, List<SseConnection>> byWorker = new HashMap<>();
		for (SseConnection connection : connections) {
			Worker worker = connection.worker;
			byWorker.computeIfAbsent(worker, (key) -> new ArrayList<>()).add(connection);
		}
		return byWorker;
	}

	private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
		try {
			return future.get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A load client task failed", ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("A load client thread did not answer within 30 s", ex);
		}
	}

	@Override
	public void close() {
		for (Worker worker : this.workers) {
			worker.stop();
		}
	}

}
