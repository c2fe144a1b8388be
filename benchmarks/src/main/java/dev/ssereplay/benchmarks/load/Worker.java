package dev.ssereplay.benchmarks.load;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * One selector thread of the load client and the connections it owns. Every
 * connection's I/O and parsing runs here; other threads hand it work through
 * {@link #submit}. It times each event against the moment its bytes were read
 * and records the latency in microseconds.
 */
final class Worker implements Runnable {

	/** Latencies above a minute are recorded as a minute. */
	static final long MAX_LATENCY_MICROS = 60_000_000L;

	private final LoadClient client;

	private final Selector selector;

	private final Thread thread;

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final List<SseConnection> connections = new ArrayList<>();

	// Connections dropped on purpose that come back at their returnAt.
	private final List<SseConnection> away = new ArrayList<>();

	private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

	private final SingleWriterRecorder recorder = new SingleWriterRecorder(MAX_LATENCY_MICROS, 3);

	private final AtomicLong deliveredCount = new AtomicLong();

	private long delivered;

	private Histogram recycled;

	private volatile boolean running = true;

	Worker(LoadClient client, String name) throws IOException {
		this.client = client;
		this.selector = Selector.open();
		this.thread = new Thread(this, name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	void submit(Runnable task) {
		this.tasks.add(task);
		this.selector.wakeup();
	}

	long deliveredCount() {
		return this.deliveredCount.get();
	}

	/**
	 * Adds the latencies recorded since the previous call to a histogram. Called by
	 * one scenario thread at a time.
	 */
	void addLatenciesTo(Histogram total) {
		Histogram interval = this.recorder.getIntervalHistogram(this.recycled);
		total.add(interval);
		this.recycled = interval;
	}

	/** Counts an event whose latency is not recorded. */
	void delivered() {
		this.delivered++;
	}

	void delivered(long latencyNanos) {
		this.delivered++;
		long micros = Math.max(0, latencyNanos / 1000);
		this.recorder.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
	}

	/** Opens a connection; runs on this worker's thread. */
	void open(SseConnection connection) {
		try {
			SocketChannel channel = SocketChannel.open();
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			if (connection.slow) {
				// A small window fills after a few kilobytes, so a client that stops
				// reading blocks the server's writes within the scenario.
				channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
			}
			connection.worker = this;
			connection.channel = channel;
			connection.resetResponse();
			connection.request = connection.request(this.client.host(connection.instance));
			boolean connected = channel.connect(this.client.address(connection.instance));
			connection.key = channel.register(this.selector,
					connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, connection);
			if (!connection.owned) {
				connection.owned = true;
				this.connections.add(connection);
			}
		}
		catch (IOException ex) {
			fail(connection);
		}
	}

	/** Closes a connection's socket; runs on this worker's thread. */
	void close(SseConnection connection) {
		connection.alive = false;
		connection.streaming = false;
		if (connection.key != null) {
			connection.key.cancel();
		}
		if (connection.channel != null) {
			try {
				connection.channel.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
	}

	void stop() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void run() {
		try {
			while (this.running) {
				this.selector.select(10);
				Runnable task;
				while ((task = this.tasks.poll()) != null) {
					task.run();
				}
				if (!this.away.isEmpty()) {
					comeBack();
				}
				Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					handle(key);
				}
				this.deliveredCount.lazySet(this.delivered);
				this.client.progressed();
			}
		}
		catch (IOException | RuntimeException ex) {
			this.client.workerFailed(ex);
		}
		finally {
			for (SseConnection connection : this.connections) {
				close(connection);
			}
			try {
				this.selector.close();
			}
			catch (IOException ex) {
				// Ending anyway.
			}
		}
	}

	private void handle(SelectionKey key) {
		SseConnection connection = (SseConnection) key.attachment();
		try {
			if (!key.isValid()) {
				return;
			}
			if (key.isConnectable()) {
				if (connection.channel.finishConnect()) {
					key.interestOps(SelectionKey.OP_WRITE);
				}
				return;
			}
			if (key.isWritable()) {
				connection.channel.write(connection.request);
				if (!connection.request.hasRemaining()) {
					key.interestOps(SelectionKey.OP_READ);
				}
				return;
			}
			if (key.isReadable()) {
				read(connection);
			}
		}
		catch (IOException | RuntimeException ex) {
			fail(connection);
		}
	}

	private void read(SseConnection connection) throws IOException {
		// A few reads at most, so that one busy connection does not starve the others.
		for (int i = 0; i < 4; i++) {
			this.buffer.clear();
			int n = connection.channel.read(this.buffer);
			if (n < 0) {
				end(connection);
				return;
			}
			if (n == 0) {
				break;
			}
			long now = System.nanoTime() - this.client.origin();
			if (!connection.onBytes(this.buffer.array(), 0, n, now)) {
				end(connection);
				return;
			}
			if (connection.dropNow) {
				// As a client whose network went away: the socket is closed with what
				// was not read yet, and after its time away the connection is opened
				// again with the last id it received.
				connection.dropNow = false;
				connection.drops++;
				close(connection);
				connection.returnAt = System.nanoTime() + connection.awayNanos;
				this.away.add(connection);
				return;
			}
			if (connection.slow && connection.streaming) {
				// Stops reading for good: the server's writes to it back up.
				connection.key.interestOps(0);
				break;
			}
			if (n < this.buffer.capacity()) {
				break;
			}
		}
		connection.publishProgress();
	}

	private void comeBack() {
		long now = System.nanoTime();
		Iterator<SseConnection> iterator = this.away.iterator();
		while (iterator.hasNext()) {
			SseConnection connection = iterator.next();
			if (now - connection.returnAt >= 0) {
				iterator.remove();
				connection.resumedAt = now - this.client.origin();
				open(connection);
			}
		}
	}

	private void end(SseConnection connection) {
		boolean wasStreaming = connection.streaming;
		close(connection);
		connection.ended = true;
		connection.publishProgress();
		this.client.ended(connection, wasStreaming);
	}

	private void fail(SseConnection connection) {
		boolean wasStreaming = connection.streaming;
		close(connection);
		connection.failed = true;
		this.client.failed(connection, wasStreaming);
	}

	/** The connections of this worker, for reading results once the run is over. */
	List<SseConnection> connections() {
		return this.connections;
	}

}
