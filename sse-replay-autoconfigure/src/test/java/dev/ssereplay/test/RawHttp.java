package dev.ssereplay.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 on a raw socket, for tests that need to see one connection as the
 * server leaves it: kept alive, closed or reset.
 */
public final class RawHttp {

	private static final String END_OF_CHUNKED_BODY = "\r\n0\r\n\r\n";

	private RawHttp() {
	}

	/**
	 * Sends a request for an event stream on a connection that stays open.
	 * @param socket the connection
	 * @param uri the stream's URI
	 * @throws IOException when the connection fails
	 */
	public static void requestStream(Socket socket, URI uri) throws IOException {
		send(socket, "GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
				+ "\r\nAccept: text/event-stream\r\n\r\n");
	}

	/**
	 * Sends a {@code POST} with a text body on a connection that stays open.
	 * @param socket the connection
	 * @param uri where to post
	 * @param body the body, ASCII
	 * @throws IOException when the connection fails
	 */
	public static void post(Socket socket, URI uri, String body) throws IOException {
		send(socket, "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
				+ "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
	}

	/**
	 * Reads until the text has arrived, keeping only what the match needs.
	 * @param in the connection's input, buffered, its socket with a read timeout
	 * @param text what to wait for, ASCII
	 * @return {@code true} when it arrived, {@code false} when the connection
	 * ended first
	 * @throws IOException when the read times out or the connection is reset
	 */
	public static boolean readUntil(InputStream in, String text) throws IOException {
		byte[] wanted = text.getBytes(StandardCharsets.US_ASCII);
		byte[] last = new byte[wanted.length];
		long count = 0;
		int read;
		while ((read = in.read()) >= 0) {
			last[(int) (count++ % last.length)] = (byte) read;
			if (count >= last.length && endsWith(last, count, wanted)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reads to the end of a chunked response body.
	 * @param in the connection's input, buffered, its socket with a read timeout
	 * @return {@code true} when the body ended, {@code false} when the connection
	 * ended first
	 * @throws IOException when the read times out or the connection is reset
	 */
	public static boolean readToEndOfChunkedBody(InputStream in) throws IOException {
		return readUntil(in, END_OF_CHUNKED_BODY);
	}

	/**
	 * Reads until the server ends the connection, closing or resetting it.
	 * @param in the connection's input, its socket with a read timeout
	 * @throws java.net.SocketTimeoutException when the connection is still open
	 * at the read timeout
	 * @throws IOException when the read fails otherwise
	 */
	public static void readToEndOfConnection(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		try {
			while (in.read(buffer) >= 0) {
				// What was on its way before the end.
			}
		}
		catch (SocketException ex) {
			// Reset: aborted by the server.
		}
	}

	// Whether the ring of the last bytes read, the newest at count - 1, holds the
	// wanted bytes.
	private static boolean endsWith(byte[] last, long count, byte[] wanted) {
		for (int i = 0; i < wanted.length; i++) {
			if (last[(int) ((count - wanted.length + i) % last.length)] != wanted[i]) {
				return false;
			}
		}
		return true;
	}

	private static void send(Socket socket, String request) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

}
