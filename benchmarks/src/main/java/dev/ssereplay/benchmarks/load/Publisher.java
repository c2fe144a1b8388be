package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Publishes numbered events to one stream with {@code POST /streams/{stream}}
 * over one keep-alive connection, pipelining requests: one thread writes
 * requests, another reads the responses. One connection keeps the events in
 * order, so the sequence number in each event's data is also its position in
 * the stream.
 * <p>
 * Two ways to pace: at a fixed rate, where each event carries the time it was due
 * (a server that makes the publisher wait is charged for the wait), or as fast as
 * the server delivers, keeping at most a window of events published but not yet
 * received by every subscriber, where each event carries the time it was sent.
 */
final class Publisher implements AutoCloseable {

	/** Requests written but not answered, at most; beyond it the publisher waits. */
	private static final int MAX_OUTSTANDING = 1024;

	private final SocketChannel channel;

	private final byte[] head;

	private final int payloadBytes;

	private final long origin;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong answered = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	private final Thread reader;

	private Thread writer;

	private volatile boolean running = true;

	private volatile Thread waiting;

	/**
	 * Connects.
	 * @param address the server
	 * @param stream the stream to publish to
	 * @param payloadBytes the size of each event's data
	 * @param origin the time base of the timestamps, from {@code System.nanoTime()}
	 */
	Publisher(InetSocketAddress address, String stream, int payloadBytes, long origin) throws IOException {
		this.channel = SocketChannel.open(address);
		this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		this.payloadBytes = payloadBytes;
		this.origin = origin;
		this.head = ("POST /streams/" + stream + " HTTP/1.1\r\nHost: " + address.getHostString() + ":"
				+ address.getPort() + "\r\nContent-Type: text/plain\r\nContent-Length: " + payloadBytes + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		this.reader = new Thread(this::readResponses, "sse-publisher-responses");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Publishes at a fixed rate until stopped.
	 * @param perSecond events per second
	 */
	void startPaced(double perSecond) {
		long interval = (long) (1_000_000_000L / perSecond);
		start(() -> {
			long start = System.nanoTime();
			for (long sequence = 1; this.running; sequence++) {
				long due = start + (sequence - 1) * interval;
				long wait;
				while (this.running && (wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				awaitOutstanding();
				if (!this.running) {
					return;
				}
				write(sequence, 1, due - this.origin);
			}
		});
	}

	/**
	 * Publishes as fast as the subscribers receive, with a window. Events go out
	 * in bursts of at least half the window, written at once, as a busy
	 * application's events do: a server that writes what has queued up for a
	 * connection together can take advantage of it, one that writes and flushes
	 * each event cannot.
	 * @param window the most events published ahead of the slowest subscriber
	 * @param acknowledged the sequence number every subscriber has received
	 */
	void startWindowed(int window, LongSupplier acknowledged) {
		int burst = Math.max(1, window / 2);
		start(() -> {
			long next = 1;
			while (this.running) {
				long free = window - (next - 1 - acknowledged.getAsLong());
				if (free < burst) {
					park();
					continue;
				}
				awaitOutstanding();
				if (!this.running) {
					return;
				}
				int count = (int) Math.min(free, MAX_OUTSTANDING / 2);
				write(next, count, System.nanoTime() - this.origin);
				next += count;
			}
		});
	}

	/** Lets a waiting windowed publisher look at the acknowledgements again. */
	void wake() {
		Thread thread = this.waiting;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	/** Events written so far; the sequence number of the last one. */
	long sent() {
		return this.sent.get();
	}

	long answered() {
		return this.answered.get();
	}

	long errors() {
		return this.errors.get();
	}

	/**
	 * Stops publishing and waits a little for the outstanding answers.
	 */
	void stop() throws InterruptedException {
		this.running = false;
		if (this.writer != null) {
			LockSupport.unpark(this.writer);
			this.writer.join(TimeUnit.SECONDS.toMillis(5));
			if (this.writer.isAlive()) {
				// Blocked in a write to a server that stopped reading.
				closeQuietly();
				this.writer.join(TimeUnit.SECONDS.toMillis(5));
			}
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (this.answered.get() + this.errors.get() < this.sent.get() && System.nanoTime() < deadline
				&& this.reader.isAlive()) {
			Thread.sleep(5);
		}
	}

	@Override
	public void close() {
		this.running = false;
		closeQuietly();
		try {
			if (this.writer != null) {
				this.writer.join(TimeUnit.SECONDS.toMillis(5));
			}
			this.reader.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void start(Runnable loop) {
		this.writer = new Thread(() -> {
			try {
				loop.run();
			}
			catch (RuntimeException ex) {
				if (this.running) {
					this.failure.compareAndSet(null, ex);
				}
			}
		}, "sse-publisher");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	private void park() {
		this.waiting = Thread.currentThread();
		LockSupport.parkNanos(100_000);
		this.waiting = null;
	}

	private void awaitOutstanding() {
		while (this.running && this.sent.get() - this.answered.get() - this.errors.get() >= MAX_OUTSTANDING) {
			LockSupport.parkNanos(100_000);
		}
	}

	private void write(long first, int count, long stamp) {
		int size = this.head.length + this.payloadBytes;
		byte[] requests = new byte[size * count];
		for (int i = 0; i < count; i++) {
			int at = i * size;
			System.arraycopy(this.head, 0, requests, at, this.head.length);
			at += this.head.length;
			at = digits(requests, at, first + i);
			requests[at++] = ' ';
			at = digits(requests, at, Math.max(0, stamp));
			Arrays.fill(requests, at, (i + 1) * size, (byte) 'x');
		}
		try {
			ByteBuffer buffer = ByteBuffer.wrap(requests);
			while (buffer.hasRemaining()) {
				this.channel.write(buffer);
			}
			this.sent.set(first + count - 1);
		}
		catch (IOException ex) {
			if (this.running) {
				this.failure.compareAndSet(null, ex);
			}
			this.running = false;
		}
	}

	private static int digits(byte[] target, int at, long value) {
		String text = Long.toString(value);
		for (int i = 0; i < text.length(); i++) {
			target[at++] = (byte) text.charAt(i);
		}
		return at;
	}

	private void readResponses() {
		ResponseParser parser = new ResponseParser();
		ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
		try {
			while (true) {
				buffer.clear();
				int n = this.channel.read(buffer);
				if (n < 0) {
					return;
				}
				parser.parse(buffer.array(), n);
			}
		}
		catch (IOException ex) {
			// Closed by stop() or by the server.
		}
	}

	private void closeQuietly() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing anyway.
		}
	}

	/** Reads pipelined HTTP/1.1 responses and counts them. */
	private final class ResponseParser {

		private final StringBuilder line = new StringBuilder();

		private boolean inHead = true;

		private boolean statusLine = true;

		private int status;

		private long contentLength;

		private boolean chunked;

		private long remaining;

		private int chunkState;

		void parse(byte[] bytes, int length) {
			int i = 0;
			while (i < length) {
				if (this.inHead) {
					char c = (char) bytes[i++];
					if (c == '\n') {
						headLine(this.line.toString().trim());
						this.line.setLength(0);
					}
					else {
						this.line.append(c);
					}
				}
				else if (!this.chunked) {
					int n = (int) Math.min(this.remaining, length - i);
					i += n;
					this.remaining -= n;
					if (this.remaining == 0) {
						complete();
					}
				}
				else {
					i = chunk(bytes, i, length);
				}
			}
		}

		private int chunk(byte[] bytes, int i, int length) {
			if (this.chunkState == 0) {
				char c = (char) bytes[i++];
				if (c == '\n') {
					String size = this.line.toString().trim();
					int semicolon = size.indexOf(';');
					this.remaining = Long.parseLong((semicolon >= 0) ? size.substring(0, semicolon) : size, 16);
					this.line.setLength(0);
					this.chunkState = (this.remaining == 0) ? 2 : 1;
				}
				else {
					this.line.append(c);
				}
				return i;
			}
			if (this.chunkState == 1) {
				int n = (int) Math.min(this.remaining + 2, length - i);
				i += n;
				this.remaining -= n;
				if (this.remaining == -2) {
					this.chunkState = 0;
				}
				return i;
			}
			// After the last chunk: trailers, up to an empty line.
			char c = (char) bytes[i++];
			if (c == '\n') {
				if (this.line.toString().trim().isEmpty()) {
					complete();
				}
				this.line.setLength(0);
			}
			else {
				this.line.append(c);
			}
			return i;
		}

		private void headLine(String text) {
			if (this.statusLine) {
				this.statusLine = false;
				this.status = Integer.parseInt(text.substring(9, 12));
				return;
			}
			if (!text.isEmpty()) {
				String lower = text.toLowerCase();
				if (lower.startsWith("content-length:")) {
					this.contentLength = Long.parseLong(lower.substring(15).trim());
				}
				else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
					this.chunked = true;
				}
				return;
			}
			this.inHead = false;
			this.chunkState = 0;
			this.remaining = this.contentLength;
			if (!this.chunked && this.remaining == 0) {
				complete();
			}
		}

		private void complete() {
			if (this.status >= 200 && this.status < 300) {
				Publisher.this.answered.incrementAndGet();
			}
			else {
				Publisher.this.errors.incrementAndGet();
			}
			this.inHead = true;
			this.statusLine = true;
			this.chunked = false;
			this.contentLength = 0;
			this.remaining = 0;
			this.chunkState = 0;
		}

	}

	/**
	 * Returns why publishing stopped early, if it did.
	 * @return the failure, or {@code null}
	 */
	Throwable failure() {
		return this.failure.get();
	}

}
