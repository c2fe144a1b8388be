package dev.ssereplay.client.endtoend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on the loopback address that can cut every connection through it at
 * once, so that a client goes through its real reconnection path. It notes the
 * {@code Last-Event-ID} header of the request that opens each connection.
 */
final class CuttingProxy implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final int targetPort;

	private final List<Pair> pairs = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	CuttingProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		start("proxy-accept", this::accept);
	}

	int port() {
		return this.serverSocket.getLocalPort();
	}

	int connections() {
		return this.pairs.size();
	}

	/**
	 * Returns the {@code Last-Event-ID} of each connection's request, {@code null}
	 * where it had none, in the order the connections were accepted.
	 */
	List<String> lastEventIds() {
		List<String> ids = new ArrayList<>();
		for (Pair pair : this.pairs) {
			ids.add(pair.lastEventId);
		}
		return ids;
	}

	/**
	 * Closes both sides of every open connection.
	 */
	void cut() {
		for (Pair pair : this.pairs) {
			pair.close();
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.serverSocket.close();
		cut();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.serverSocket.accept();
				Socket server = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
				Pair pair = new Pair(client, server);
				start("proxy-upstream", () -> pair.forwardRequest());
				start("proxy-downstream", () -> pair.forward(server, client));
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	private static void start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	private final class Pair {

		private final Socket client;

		private final Socket server;

		private volatile String lastEventId;

		Pair(Socket client, Socket server) {
			this.client = client;
			this.server = server;
		}

		void forwardRequest() {
			try {
				// The head is read whole before it is passed on, so it is known before
				// the server can answer it.
				InputStream in = this.client.getInputStream();
				ByteArrayOutputStream head = new ByteArrayOutputStream();
				int matched = 0;
				while (matched < 4) {
					int b = in.read();
					if (b < 0) {
						close();
						return;
					}
					head.write(b);
					matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
				}
				for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
					if (line.toLowerCase(Locale.ROOT).startsWith("last-event-id:")) {
						this.lastEventId = line.substring(line.indexOf(':') + 1).trim();
					}
				}
				CuttingProxy.this.pairs.add(this);
				if (CuttingProxy.this.closed) {
					close();
					return;
				}
				OutputStream out = this.server.getOutputStream();
				out.write(head.toByteArray());
				out.flush();
				forward(this.client, this.server);
			}
			catch (IOException ex) {
				close();
			}
		}

		void forward(Socket from, Socket to) {
			byte[] buffer = new byte[8192];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// Cut, or closed by one side.
			}
			finally {
				close();
			}
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.server);
		}

		private void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Already closed.
			}
		}

	}

}
