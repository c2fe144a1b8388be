package dev.ssereplay.web;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.context.request.async.DeferredResult;

/**
 * An event stream's response on the servlet API: the output stream, written
 * with non-blocking I/O where the container offers it, the
 * {@link WriteListener}, a write the container could not send at once, and the
 * end of the asynchronous request.
 * <p>
 * When the response ends, its socket may have to be closed after the close
 * grace, by the {@link SocketCloser}'s action, since the container would
 * otherwise hold the connection until its own timeout for a client that does
 * not read: always when the server ends the stream on its own account
 * ({@link #completeAndCloseSocket}), and otherwise when the client is behind,
 * that is when the container could not take the writer's last write, or not all
 * of it. A client that keeps up keeps its connection after a normal end.
 * <p>
 * The stream is not touched before its listener is registered ({@link #listen}):
 * until then it is not writable, so the writer and the thread that registers
 * the listener never use the response at once. The subscriber's writer is the
 * only caller of {@link #isWritable} and {@link #write}; the container's thread
 * calls the listener, and any thread may {@link #complete} or mark the response
 * {@link #done}.
 */
final class ServletOutput {

	private static final Logger logger = LoggerFactory.getLogger(ServletOutput.class);

	private final ServletOutputStream output;

	private final DeferredResult<Object> result;

	private final AsyncContext asyncContext;

	private final Runnable closeSocketAfterGrace;

	private volatile boolean listening;

	private volatile boolean nonBlocking;

	private volatile boolean done;

	// Written by the writer, read when the response ends.
	private volatile boolean behind;

	// Confined to the writer.
	private boolean flushPending;

	/**
	 * Creates the output of a response.
	 * @param output the response's output stream
	 * @param result the request's asynchronous result, which ends it
	 * @param asyncContext the request's asynchronous context, which ends it
	 * after a failed write
	 * @param closeSocketAfterGrace what closes the socket after the close grace,
	 * from {@link SocketCloser#prepare}
	 */
	ServletOutput(ServletOutputStream output, DeferredResult<Object> result, AsyncContext asyncContext,
			Runnable closeSocketAfterGrace) {
		this.output = output;
		this.result = result;
		this.asyncContext = asyncContext;
		this.closeSocketAfterGrace = closeSocketAfterGrace;
	}

	/**
	 * Registers the listener, or falls back to blocking writes on a container (or
	 * a mock) without non-blocking output. Either way the caller then runs the
	 * writer once: a {@code onWritePossible} that arrived before this returned
	 * found the output not yet writable.
	 * <p>
	 * A write that failed (the client is gone) is reported to the listener's
	 * {@code onError}, after which the request is the application's to end: Jetty
	 * holds it, and its socket, until it is completed. So it is completed there,
	 * after {@code onError} ran; a container that ends it itself (Tomcat) finds it
	 * completed.
	 * @param onWritable what to run when the container can take more
	 * @param onError what to run when the container reports an error
	 */
	void listen(Runnable onWritable, Consumer<Throwable> onError) {
		try {
			this.output.setWriteListener(new WriteListener() {

				@Override
				public void onWritePossible() {
					onWritable.run();
				}

				@Override
				public void onError(Throwable ex) {
					try {
						onError.accept(ex);
					}
					finally {
						completeAfterFailure();
					}
				}

			});
			this.nonBlocking = true;
		}
		catch (UnsupportedOperationException | IllegalStateException ex) {
			this.nonBlocking = false;
		}
		this.listening = true;
	}

	private void completeAfterFailure() {
		try {
			this.asyncContext.complete();
		}
		catch (RuntimeException ex) {
			// Completed already, by the container or meanwhile.
			logger.debug("The request of a failed event stream was completed already", ex);
		}
	}

	/**
	 * Whether a write would not block now; flushes a write that waited for it.
	 * @throws IOException when the response is already complete
	 */
	boolean isWritable() throws IOException {
		if (!this.listening) {
			return false;
		}
		checkNotDone();
		if (!this.nonBlocking) {
			return true;
		}
		try {
			if (!this.output.isReady()) {
				this.behind = true;
				return false;
			}
			if (this.flushPending) {
				this.flushPending = false;
				this.output.flush();
				boolean ready = this.output.isReady();
				this.behind = !ready;
				return ready;
			}
			this.behind = false;
			return true;
		}
		catch (RuntimeException ex) {
			// A container may recycle the stream once the response is complete.
			throw new IOException("Response already completed", ex);
		}
	}

	/**
	 * Writes frames, flushing them now or, when the container cannot take more
	 * yet, once it can.
	 * @throws IOException when the response is already complete
	 */
	void write(byte[] frames) throws IOException {
		checkNotDone();
		try {
			this.output.write(frames);
			if (!this.nonBlocking) {
				this.output.flush();
			}
			else if (this.output.isReady()) {
				this.output.flush();
				// A non-blocking flush leaves with the container what the network did
				// not take.
				this.behind = !this.output.isReady();
			}
			else {
				this.flushPending = true;
				this.behind = true;
			}
		}
		catch (RuntimeException ex) {
			// Completed (timeout, client gone) between the check and the write: the
			// container may have recycled the stream. The client resumes.
			throw new IOException("Response already completed", ex);
		}
	}

	/**
	 * Ends the asynchronous request normally, unless the container ended it: after
	 * a container error an application thread must not dispatch. When the client
	 * is behind, its socket is closed after the grace.
	 */
	void complete() {
		complete(this.behind);
	}

	/**
	 * Ends the asynchronous request like {@link #complete()}, and closes its socket
	 * after the grace whether or not the client seems behind: for a stream the
	 * server ended on its own account, such as a slow connection, whose client may
	 * not read even though the network took the last write.
	 */
	void completeAndCloseSocket() {
		complete(true);
	}

	private void complete(boolean closeSocket) {
		if (this.done) {
			return;
		}
		if (closeSocket) {
			closeSocket();
		}
		try {
			this.result.setResult(null);
		}
		catch (RuntimeException ex) {
			// The container ended the response meanwhile (the client went away); it
			// completes the request itself.
		}
	}

	/**
	 * Arranges for the socket to be closed after the grace when the client is
	 * behind; for a response about to end.
	 */
	void closeSocketIfBehind() {
		if (this.behind) {
			closeSocket();
		}
	}

	private void closeSocket() {
		if (!this.nonBlocking) {
			// Blocking writes, on a container (or a mock) without non-blocking output:
			// the connection is left to the container.
			return;
		}
		try {
			this.closeSocketAfterGrace.run();
		}
		catch (RuntimeException ex) {
			// The response must still end; the container closes the connection later.
			logger.warn("Could not arrange to close the socket of an ended event stream; the container closes it "
					+ "at its own timeout", ex);
		}
	}

	/**
	 * Marks the response as ended by the container: completed, timed out or
	 * failed. Nothing is written after this.
	 */
	void done() {
		this.done = true;
	}

	private void checkNotDone() throws IOException {
		if (this.done) {
			throw new IOException("Response already completed");
		}
	}

}
