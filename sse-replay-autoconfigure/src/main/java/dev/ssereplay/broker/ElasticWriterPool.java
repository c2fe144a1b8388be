package dev.ssereplay.broker;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor for subscriber writers on platform threads: a fixed number of
 * threads for normal work, plus one more for each write that is blocked on a
 * client that stopped reading.
 * <p>
 * With blocking output (a connection that does not answer
 * {@link Connection#isWritable()}, such as an emitter written through
 * {@code SseEmitter.send}), a servlet container blocks a write to a full socket
 * until the peer reads or the write times out. Without compensation a handful of such clients would hold
 * every writer thread and stall delivery to everyone else; with it, each blocked
 * write costs one parked thread until its connection times out, and the pool
 * shrinks back when the writes return. On a runtime with virtual threads the
 * auto-configuration uses a virtual thread per task instead.
 * <p>
 * Runs wait in a {@link WriterQueue}, so that scheduling a writer allocates
 * nothing.
 * <p>
 * Thread-safe.
 */
public final class ElasticWriterPool implements Executor, AutoCloseable {

	private final ThreadPoolExecutor pool;

	private final int threads;

	private final int maxExtraThreads;

	/**
	 * Creates a pool.
	 * @param threads the threads for normal work, positive
	 * @param maxExtraThreads the most threads added for blocked writes
	 */
	public ElasticWriterPool(int threads, int maxExtraThreads) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be positive, was " + threads);
		}
		this.threads = threads;
		this.maxExtraThreads = Math.max(0, maxExtraThreads);
		AtomicInteger counter = new AtomicInteger();
		this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new WriterQueue(),
				(task) -> {
					Thread thread = new Thread(task, "sse-replay-writer-" + counter.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
	}

	@Override
	public void execute(Runnable task) {
		this.pool.execute(task);
	}

	/**
	 * Resizes the pool to make up for writes that are blocked.
	 * @param stalled the number of writes blocked beyond the stall threshold
	 */
	public void compensate(int stalled) {
		int target = this.threads + Math.min(stalled, this.maxExtraThreads);
		synchronized (this.pool) {
			int current = this.pool.getCorePoolSize();
			if (target > current) {
				this.pool.setMaximumPoolSize(target);
				this.pool.setCorePoolSize(target);
			}
			else if (target < current) {
				this.pool.setCorePoolSize(target);
				this.pool.setMaximumPoolSize(target);
			}
		}
	}

	/**
	 * Returns the current number of threads the pool may use.
	 * @return threads
	 */
	public int poolSize() {
		return this.pool.getCorePoolSize();
	}

	/**
	 * Stops the threads; writes in progress are interrupted.
	 */
	@Override
	public void close() {
		this.pool.shutdownNow();
	}

}
