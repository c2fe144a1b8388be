package dev.ssereplay.broker;

import java.io.IOException;

/**
 * The transport of one subscriber, such as an HTTP response. The broker calls it
 * from one writer at a time, never concurrently, so an implementation needs no
 * locking of its own for these calls.
 * <p>
 * A blocking connection only implements {@link #write} and {@link #close}; its
 * writes may block while the peer is not reading, and the broker's writer pool
 * makes up for them. A non-blocking connection also answers {@link #isWritable}:
 * the broker writes only after it answered {@code true}, so a write never blocks,
 * and while it answers {@code false} events wait in the subscriber's bounded queue,
 * where the slow-connection policy sees them.
 */
public interface Connection {

	/**
	 * Writes whole event-stream blocks and flushes them. A blocking connection may
	 * block while the peer is not reading; a non-blocking one takes the frames
	 * whole and does not block.
	 * @param frames one or more complete blocks as UTF-8; must not be modified
	 * @throws IOException when the peer is gone
	 */
	void write(byte[] frames) throws IOException;

	/**
	 * Writes several whole event-stream blocks in turn and flushes them once,
	 * like {@link #write(byte[])} with the blocks joined. The broker calls this
	 * when a writer run has more than one block for the connection; this default
	 * joins them, and a connection that can write them one after the other
	 * without the copy overrides it.
	 * @param frames the blocks, each one or more complete blocks as UTF-8; must
	 * not be modified, and the array is the broker's again after the call
	 * @param count how many of the array's first elements to write, at least one
	 * @throws IOException when the peer is gone
	 */
	default void write(byte[][] frames, int count) throws IOException {
		write(join(frames, count));
	}

	/**
	 * Whether the connection can take a write now without blocking. When it
	 * answers {@code false}, it runs the callback given to
	 * {@link #onWritable(Runnable)} once it can. A blocking connection is always
	 * writable.
	 * @return {@code true} when {@link #write} may be called
	 * @throws IOException when the peer is gone
	 */
	default boolean isWritable() throws IOException {
		return true;
	}

	/**
	 * Sets what to run when the connection becomes writable after
	 * {@link #isWritable()} answered {@code false}. Called once, before the first
	 * write; the callback may run on any thread and must not block.
	 * @param callback schedules the subscriber's writer
	 */
	default void onWritable(Runnable callback) {
	}

	/**
	 * Ends the connection normally. Must not throw or block.
	 */
	void close();

	/**
	 * Ends the connection, saying why; the broker calls this once, after the last
	 * write, and never {@link #close()}. A transport may end it harder when the
	 * client may not read the end at all ({@link CloseReason#SLOW},
	 * {@link CloseReason#SHUTDOWN}). Must not throw or block.
	 * @param reason why the connection ends
	 */
	default void close(CloseReason reason) {
		close();
	}

	private static byte[] join(byte[][] frames, int count) {
		if (count == 1) {
			return frames[0];
		}
		int size = 0;
		for (int i = 0; i < count; i++) {
			size += frames[i].length;
		}
		byte[] joined = new byte[size];
		int at = 0;
		for (int i = 0; i < count; i++) {
			System.arraycopy(frames[i], 0, joined, at, frames[i].length);
			at += frames[i].length;
		}
		return joined;
	}

}
