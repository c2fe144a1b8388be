package dev.ssereplay.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test client that opens one event stream with the JDK's {@link HttpClient},
 * reads the raw text on a thread of its own and parses it into blocks, keeping
 * comments and id-only blocks so tests can see exactly what was written.
 */
public final class SseTestClient implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final BlockingQueue<Block> blocks = new LinkedBlockingQueue<>();

	private final StringBuilder raw = new StringBuilder();

	private final InputStream body;

	private final int status;

	private final String contentType;

	private final java.net.http.HttpHeaders headers;

	private final Thread reader;

	private volatile boolean ended;

	private SseTestClient(HttpResponse<InputStream> response) {
		this.status = response.statusCode();
		this.contentType = response.headers().firstValue("Content-Type").orElse("");
		this.headers = response.headers();
		this.body = response.body();
		this.reader = new Thread(this::read, "sse-test-client");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Opens a stream.
	 * @param uri the stream's URI
	 * @param lastEventId the Last-Event-ID header, or {@code null} for none
	 * @return the connected client
	 */
	public static SseTestClient connect(URI uri, String lastEventId) {
		return connect(uri, lastEventId, Map.of());
	}

	/**
	 * Opens a stream with extra request headers, such as credentials.
	 * @param uri the stream's URI
	 * @param lastEventId the position to resume from, or {@code null}
	 * @param headers the headers to add
	 * @return the client, whatever the status
	 */
	public static SseTestClient connect(URI uri, String lastEventId, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		headers.forEach(request::header);
		try {
			return new SseTestClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Opens a stream on a raw socket with a 4 KB receive buffer, reads the start of
	 * the response and then never reads again: a client that stopped reading, whose
	 * server-side writes back up.
	 * @param uri the stream's URI
	 * @return the socket, to close when done
	 * @throws IOException when the connection fails or the server sends nothing
	 */
	public static Socket stopReading(URI uri) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
			OutputStream request = socket.getOutputStream();
			request.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
					+ "\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			request.flush();
			if (socket.getInputStream().read(new byte[64]) <= 0) {
				throw new IOException("No response from " + uri);
			}
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	/**
	 * Returns the HTTP status.
	 * @return the status code
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Returns the Content-Type header.
	 * @return the content type, empty when absent
	 */
	public String contentType() {
		return this.contentType;
	}

	/**
	 * Returns a response header.
	 * @param name the header's name
	 * @return its first value, empty when absent
	 */
	public String header(String name) {
		return this.headers.firstValue(name).orElse("");
	}

	/**
	 * Waits for the next block.
	 * @param timeout how long to wait
	 * @return the block, or {@code null} on timeout
	 */
	public Block next(Duration timeout) {
		try {
			return this.blocks.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Waits for the next block that matches, skipping others.
	 * @param timeout how long to wait in all
	 * @param condition what to wait for
	 * @return the block, or {@code null} on timeout
	 */
	public Block next(Duration timeout, Predicate<Block> condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			Block block = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (block != null && condition.test(block)) {
				return block;
			}
		}
		return null;
	}

	/**
	 * Collects the next blocks that carry data, until {@code count} are read or
	 * the time is up.
	 * @param count how many
	 * @param timeout how long to wait in all
	 * @return the data blocks read
	 */
	public List<Block> events(int count, Duration timeout) {
		List<Block> events = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (events.size() < count && System.nanoTime() < deadline) {
			Block block = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (block != null && block.hasData()) {
				events.add(block);
			}
		}
		return events;
	}

	/**
	 * Whether the server ended the stream.
	 * @return {@code true} after end of stream or a read failure
	 */
	public boolean ended() {
		return this.ended;
	}

	/**
	 * Returns all text read so far.
	 * @return the raw stream
	 */
	public String raw() {
		synchronized (this.raw) {
			return this.raw.toString();
		}
	}

	/**
	 * Drops the connection.
	 */
	@Override
	public void close() {
		try {
			this.body.close();
		}
		catch (IOException ex) {
			// Closing a broken stream; nothing to do.
		}
		this.reader.interrupt();
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8))) {
			Block.Builder current = new Block.Builder();
			String line;
			while ((line = lines.readLine()) != null) {
				synchronized (this.raw) {
					this.raw.append(line).append('\n');
				}
				if (line.isEmpty()) {
					if (!current.isEmpty()) {
						this.blocks.add(current.build());
					}
					current = new Block.Builder();
				}
				else {
					current.line(line);
				}
			}
		}
		catch (IOException ex) {
			// The connection was dropped, by either side.
		}
		finally {
			this.ended = true;
		}
	}

	/**
	 * One block of the stream, up to a blank line.
	 *
	 * @param id the value of the id field, or {@code null}
	 * @param event the value of the event field, or {@code null}
	 * @param data the data lines joined by LF, or {@code null} when there were none
	 * @param retry the value of the retry field, or {@code null}
	 * @param comments the comment lines without their colon
	 */
	public record Block(String id, String event, String data, String retry, List<String> comments) {

		/**
		 * Whether this block dispatches an event in a browser.
		 * @return {@code true} when it has data
		 */
		public boolean hasData() {
			return this.data != null;
		}

		/**
		 * Whether this block is only comments.
		 * @return {@code true} for a heartbeat and similar
		 */
		public boolean isComment() {
			return this.id == null && this.event == null && this.data == null && this.retry == null;
		}

		/**
		 * Returns the sequence number of the id, after its last dash.
		 * @return the sequence, or -1 when there is no id
		 */
		public long sequence() {
			return (this.id != null) ? Long.parseLong(this.id.substring(this.id.lastIndexOf('-') + 1)) : -1;
		}

		static final class Builder {

			private String id;

			private String event;

			private StringBuilder data;

			private String retry;

			private final List<String> comments = new ArrayList<>();

			private boolean empty = true;

			void line(String line) {
				this.empty = false;
				if (line.startsWith(":")) {
					this.comments.add(line.substring(1).trim());
					return;
				}
				int colon = line.indexOf(':');
				String field = (colon < 0) ? line : line.substring(0, colon);
				String value = (colon < 0) ? "" : line.substring(colon + 1);
				if (value.startsWith(" ")) {
					value = value.substring(1);
				}
				switch (field) {
					case "id" -> this.id = value;
					case "event" -> this.event = value;
					case "retry" -> this.retry = value;
					case "data" -> {
						if (this.data == null) {
							this.data = new StringBuilder(value);
						}
						else {
							this.data.append('\n').append(value);
						}
					}
					default -> {
					}
				}
			}

			boolean isEmpty() {
				return this.empty;
			}

			Block build() {
				return new Block(this.id, this.event, (this.data != null) ? this.data.toString() : null, this.retry,
						List.copyOf(this.comments));
			}

		}

	}

}
