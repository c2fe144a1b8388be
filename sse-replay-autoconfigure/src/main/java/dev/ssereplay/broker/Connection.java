package dev.ssereplay.broker;

import java.io.IOException;

/**
 * The transport of one subscriber, such as an HTTP response. The broker calls it
 * from one writer at a time, never concurrently, so an implementation needs no
 * locking of its own for these calls.
 */
public interface Connection {

	/**
	 * Writes whole event-stream blocks and flushes them. May block while the peer
	 * is not reading.
	 * @param frames one or more complete blocks as UTF-8; must not be modified
	 * @throws IOException when the peer is gone
	 */
	void write(byte[] frames) throws IOException;

	/**
	 * Ends the connection normally. Called once, after the last write; must not
	 * throw.
	 */
	void close();

}
