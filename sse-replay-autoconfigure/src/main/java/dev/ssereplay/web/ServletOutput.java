package dev.ssereplay.web;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.springframework.web.context.request.async.DeferredResult;

/**
 * An event stream's response on the servlet API: the output stream, written
 * with non-blocking I/O where the container offers it, the
 * {@link WriteListener}, a write the container could not send at once, and the
 * end of the asynchronous request.
 * <p>
 * The stream is not touched before its listener is registered ({@link #listen}):
 * until then it is not writable, so the writer and the thread that registers
 * the listener never use the response at once. The subscriber's writer is the
 * only caller of {@link #isWritable} and {@link #write}; the container's thread
 * calls the listener, and any thread may {@link #complete} or mark the response
 * {@link #done}.
 */
final class ServletOutput {

	private final ServletOutputStream output;

	private final DeferredResult<Object> result;

	private volatile boolean listening;

	private volatile boolean nonBlocking;

	private volatile boolean done;

	// Confined to the writer.
	private boolean flushPending;

	ServletOutput(ServletOutputStream output, DeferredResult<Object> result) {
		this.output = output;
		this.result = result;
	}

	/**
	 * Registers the listener, or falls back to blocking writes on a container (or
	 * a mock) without non-blocking output. Either way the caller then runs the
	 * writer once: a {@code onWritePossible} that arrived before this returned
	 * found the output not yet writable.
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
					onError.accept(ex);
				}

			});
			this.nonBlocking = true;
		}
		catch (UnsupportedOperationException | IllegalStateException ex) {
			this.nonBlocking = false;
		}
		this.listening = true;
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
				return false;
			}
			if (this.flushPending) {
				this.flushPending = false;
				this.output.flush();
				return this.output.isReady();
			}
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
			if (!this.nonBlocking || this.output.isReady()) {
				this.output.flush();
			}
			else {
				this.flushPending = true;
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
	 * a container error an application thread must not dispatch.
	 */
	void complete() {
		if (this.done) {
			return;
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
