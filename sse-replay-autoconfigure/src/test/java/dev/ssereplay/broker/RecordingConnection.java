package dev.ssereplay.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection that records what is written, and can act like a client that
 * stops reading (writes block) or that is gone (writes fail).
 */
final class RecordingConnection implements Connection {

	private final ByteArrayOutputStream written = new ByteArrayOutputStream();

	private final CountDownLatch closed = new CountDownLatch(1);

	private final AtomicInteger writes = new AtomicInteger();

	private final AtomicInteger concurrentWrites = new AtomicInteger();

	private volatile boolean overlapped;

	private volatile Semaphore gate;

	private volatile boolean failing;

	private volatile boolean writeAfterClose;

	private volatile long delayMillis;

	private volatile int largestWrite;

	@Override
	public void write(byte[] frames) throws IOException {
		if (this.concurrentWrites.incrementAndGet() > 1) {
			this.overlapped = true;
		}
		try {
			if (this.closed.getCount() == 0) {
				this.writeAfterClose = true;
			}
			Semaphore gate = this.gate;
			if (gate != null) {
				try {
					gate.acquire();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted", ex);
				}
			}
			if (this.failing) {
				throw new IOException("Broken pipe");
			}
			if (this.delayMillis > 0) {
				try {
					Thread.sleep(this.delayMillis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			synchronized (this.written) {
				this.written.write(frames);
				this.largestWrite = Math.max(this.largestWrite, frames.length);
			}
			this.writes.incrementAndGet();
		}
		finally {
			this.concurrentWrites.decrementAndGet();
		}
	}

	/**
	 * Returns the most bytes one write carried.
	 */
	int largestWrite() {
		return this.largestWrite;
	}

	@Override
	public void close() {
		this.closed.countDown();
	}

	/** Makes writes block until {@link #unblock()}. */
	void block() {
		this.gate = new Semaphore(0);
	}

	void unblock() {
		Semaphore gate = this.gate;
		this.gate = null;
		if (gate != null) {
			gate.release(Integer.MAX_VALUE / 2);
		}
	}

	void fail() {
		this.failing = true;
	}

	void delay(long millis) {
		this.delayMillis = millis;
	}

	boolean awaitClosed(long seconds) throws InterruptedException {
		return this.closed.await(seconds, TimeUnit.SECONDS);
	}

	boolean isClosed() {
		return this.closed.getCount() == 0;
	}

	int writes() {
		return this.writes.get();
	}

	/** Whether a write has started and not yet returned (for example, blocked). */
	boolean writing() {
		return this.concurrentWrites.get() > 0;
	}

	boolean overlapped() {
		return this.overlapped;
	}

	boolean wroteAfterClose() {
		return this.writeAfterClose;
	}

	String text() {
		synchronized (this.written) {
			return this.written.toString(StandardCharsets.UTF_8);
		}
	}

	/** The blocks written so far, each as its text without the blank line. */
	List<String> blocks() {
		List<String> blocks = new ArrayList<>();
		for (String block : text().split("\n\n")) {
			if (!block.isEmpty()) {
				blocks.add(block);
			}
		}
		return blocks;
	}

	/** The sequence numbers of the data events written, in order. */
	List<Long> sequences() {
		List<Long> sequences = new ArrayList<>();
		for (String block : blocks()) {
			if (block.contains("\ndata: ") && !block.contains("event: resync")) {
				String id = block.substring(4, block.indexOf('\n'));
				sequences.add(Long.parseLong(id.substring(id.lastIndexOf('-') + 1)));
			}
		}
		return sequences;
	}

	/**
	 * Returns the text of a batch's frames, as a connection receives them.
	 */
	static String textOf(FrameBatch batch) {
		RecordingConnection connection = new RecordingConnection();
		try {
			batch.writeTo(connection);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return connection.text();
	}

}
