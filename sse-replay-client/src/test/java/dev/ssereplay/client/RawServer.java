package dev.ssereplay.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server on a plain {@link ServerSocket} that answers each connection with a
 * script, byte for byte, so that tests control fragmentation, line endings, status
 * lines and the moment a connection is cut.
 */
final class RawServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Script script;

	private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

	private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

	private final Thread acceptor;

	private volatile boolean closed;

	RawServer(Script script) throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.script = script;
		this.acceptor = new Thread(this::accept, "raw-sse-server");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/events");
	}

	/**
	 * Returns the exchanges so far, in the order their connections were accepted.
	 */
	List<Exchange> exchanges() {
		return List.copyOf(this.exchanges);
	}

	int connections() {
		return this.exchanges.size();
	}

	/**
	 * Returns the {@code Last-Event-ID} header of each request, {@code null} where
	 * there was none.
	 */
	List<String> lastEventIds() {
		List<String> ids = new ArrayList<>();
		for (Exchange exchange : this.exchanges) {
			ids.add(exchange.header("Last-Event-ID"));
		}
		return ids;
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.serverSocket.close();
		synchronized (this.sockets) {
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket socket = this.serverSocket.accept();
				long acceptedAt = System.nanoTime();
				socket.setTcpNoDelay(true);
				this.sockets.add(socket);
				Thread handler = new Thread(() -> handle(socket, acceptedAt), "raw-sse-exchange");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	private void handle(Socket socket, long acceptedAt) {
		try (socket) {
			InputStream in = socket.getInputStream();
			Exchange exchange = new Exchange(this.exchanges.size(), acceptedAt, readHead(in), in,
					socket.getOutputStream());
			synchronized (this.exchanges) {
				exchange.index = this.exchanges.size();
				this.exchanges.add(exchange);
			}
			this.script.run(exchange);
		}
		catch (Exception ex) {
			// The client went away or the server closed: the script is over either way.
		}
	}

	private static Map<String, String> readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < end.length) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed before the request ended");
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(":request", lines[0]);
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		return headers;
	}

	/**
	 * What the server does with one connection.
	 */
	@FunctionalInterface
	interface Script {

		void run(Exchange exchange) throws Exception;

	}

	/**
	 * One accepted connection and its request.
	 */
	static final class Exchange {

		volatile int index;

		final long acceptedAtNanos;

		private final Map<String, String> headers;

		private final InputStream in;

		private final OutputStream out;

		private final CountDownLatch gone = new CountDownLatch(1);

		Exchange(int index, long acceptedAtNanos, Map<String, String> headers, InputStream in, OutputStream out) {
			this.index = index;
			this.acceptedAtNanos = acceptedAtNanos;
			this.headers = headers;
			this.in = in;
			this.out = out;
		}

		String requestLine() {
			return this.headers.get(":request");
		}

		String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		/**
		 * Writes the status line and headers of a close-delimited answer.
		 */
		Exchange status(int status, String contentType) throws IOException {
			StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Whatever\r\n");
			if (contentType != null) {
				head.append("Content-Type: ").append(contentType).append("\r\n");
			}
			if (status == 204) {
				head.append("Content-Length: 0\r\n");
			}
			head.append("Connection: close\r\n\r\n");
			return write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
		}

		Exchange eventStream() throws IOException {
			return status(200, "text/event-stream");
		}

		Exchange write(String text) throws IOException {
			return write(text.getBytes(StandardCharsets.UTF_8));
		}

		Exchange write(byte[] bytes) throws IOException {
			this.out.write(bytes);
			this.out.flush();
			return this;
		}

		/**
		 * Writes each fragment on its own, pausing in between so that they tend to
		 * reach the client in separate reads.
		 */
		Exchange fragments(byte[]... fragments) throws IOException, InterruptedException {
			for (byte[] fragment : fragments) {
				write(fragment);
				Thread.sleep(15);
			}
			return this;
		}

		/**
		 * Blocks until the client closes the connection, or the server is closed.
		 */
		void awaitClientGone() {
			try {
				while (this.in.read() >= 0) {
					// The client sends nothing more; drain until it leaves.
				}
			}
			catch (IOException ex) {
				// Reset by the client or closed by the server.
			}
			finally {
				this.gone.countDown();
			}
		}

		boolean clientGone(long timeout, TimeUnit unit) throws InterruptedException {
			return this.gone.await(timeout, unit);
		}

	}

}
