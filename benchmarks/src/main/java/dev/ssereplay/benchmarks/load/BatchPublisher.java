package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Has a server publish events itself, each to one of many streams chosen at
 * random, with {@code POST /admin/publish-random}: a batch per request, one
 * request at a time, the events numbered on from the previous batch. It keeps
 * at most a window of events published and not yet received, so that it
 * publishes as fast as the server delivers, and a server that accepts events
 * faster than it writes them is measured on delivery, not on how long its
 * queues grow.
 * <p>
 * The server publishes in its own process, as an application that notifies its
 * users does: one HTTP request per event would cost every server the same
 * request handling, which outweighs a delivery when each event has a single
 * subscriber.
 */
final class BatchPublisher implements AutoCloseable {

	private final Target target;

	private final String query;

	private final int window;

	private final int batch;

	private final LongSupplier delivered;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	private final Thread thread;

	private volatile boolean running = true;

	/**
	 * Prepares the publisher.
	 * @param target the server
	 * @param prefix the streams' names without their index
	 * @param streams how many streams, with indexes from 0
	 * @param payloadBytes the size of each event's data
	 * @param origin the time base of the timestamps, from {@code System.nanoTime()}
	 * @param window the most events published and not yet received
	 * @param batch events per request
	 * @param delivered events received so far by all subscribers
	 */
	BatchPublisher(Target target, String prefix, int streams, int payloadBytes, long origin, int window, int batch,
			LongSupplier delivered) {
		this.target = target;
		this.query = "/admin/publish-random?prefix=" + prefix + "&streams=" + streams + "&bytes=" + payloadBytes
				+ "&origin=" + origin + "&count=" + batch + "&first=";
		this.window = window;
		this.batch = batch;
		this.delivered = delivered;
		this.thread = new Thread(this::publish, "sse-batch-publisher");
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/** Events published so far; the number of the last one. */
	long sent() {
		return this.sent.get();
	}

	long errors() {
		return this.errors.get();
	}

	/**
	 * Returns why publishing stopped early, if it did.
	 * @return the failure, or {@code null}
	 */
	Throwable failure() {
		return this.failure.get();
	}

	/**
	 * Stops publishing once the request in progress is answered.
	 */
	void stop() throws InterruptedException {
		this.running = false;
		this.thread.join(TimeUnit.SECONDS.toMillis(70));
	}

	@Override
	public void close() {
		this.running = false;
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(70));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void publish() {
		while (this.running) {
			long next = this.sent.get() + 1;
			if (next - 1 + this.batch - this.delivered.getAsLong() > this.window) {
				LockSupport.parkNanos(100_000);
				continue;
			}
			try {
				this.target.post(this.query + next);
				this.sent.addAndGet(this.batch);
			}
			catch (IOException ex) {
				this.errors.incrementAndGet();
				this.failure.compareAndSet(null, ex);
				this.running = false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
