package dev.ssereplay.web;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Connection;
import dev.ssereplay.broker.Subscription;

/**
 * The emitter {@link SseReplay#subscribe} returns, and the connection its
 * subscriber writes to.
 * <p>
 * Served by {@link SseReplayReturnValueHandler} (the default with the
 * auto-configuration), it writes pre-formatted bytes straight to the response's
 * {@link ServletOutputStream} with non-blocking I/O: the subscriber writes only
 * when the container can take the write, so a client that stops reading never
 * holds a thread, and its events wait in the subscriber's bounded queue where
 * the slow-subscriber policy sees them. Served by Spring MVC's own handling of
 * emitters (the handler is not installed, or the emitter is wrapped in a
 * {@code ResponseEntity}), it writes through {@link SseEmitter#send(Set)} like any
 * emitter, each call one write and one flush, and a write may block.
 * <p>
 * Events reach the connection only through the broker: the {@code send} methods
 * throw, and {@link #complete()} ends the subscription.
 */
final class ReplayEmitter extends SseEmitter implements Connection {

	private enum Mode {

		/** Not handled yet: nothing can be written. */
		PENDING,

		/** Handled by Spring MVC: blocking sends through the emitter. */
		EMITTER,

		/** Handled by {@link SseReplayReturnValueHandler}: the output stream. */
		SERVLET

	}

	private final Object lock = new Object();

	private volatile Mode mode = Mode.PENDING;

	private volatile boolean ended;

	private volatile boolean responseDone;

	private volatile Subscription subscription;

	private volatile Runnable writableCallback;

	private volatile Runnable completionCallback;

	private volatile Runnable timeoutCallback;

	private volatile Consumer<Throwable> errorCallback;

	private volatile ServletOutputStream output;

	private volatile boolean nonBlocking;

	private volatile DeferredResult<Object> result;

	// Confined to the subscriber's writer.
	private boolean flushPending;

	ReplayEmitter(Long timeout) {
		super(timeout);
		super.onCompletion(this::completed);
		super.onTimeout(this::timedOut);
		super.onError(this::failed);
	}

	void subscription(Subscription subscription) {
		this.subscription = subscription;
	}

	// Served by SseReplayReturnValueHandler

	/**
	 * Ties the emitter to the request's asynchronous result; called before
	 * asynchronous processing starts.
	 */
	void prepare(DeferredResult<Object> result) {
		result.onCompletion(this::completed);
		result.onTimeout(() -> {
			timedOut();
			// The stream ends normally: the client resumes where it was.
			result.setResult(null);
		});
		result.onError(this::failed);
	}

	/**
	 * Starts writing to the response, once asynchronous processing has started.
	 */
	void attach(ServletOutputStream output, DeferredResult<Object> result) {
		boolean endNow;
		synchronized (this.lock) {
			this.output = output;
			this.result = result;
			this.nonBlocking = true;
			this.mode = Mode.SERVLET;
			endNow = this.ended;
		}
		if (endNow) {
			result.setResult(null);
			return;
		}
		try {
			output.setWriteListener(new ReadyListener());
		}
		catch (UnsupportedOperationException | IllegalStateException ex) {
			// A container (or a mock) without non-blocking output: write blocking.
			this.nonBlocking = false;
			runWritableCallback();
		}
	}

	/**
	 * Ends the subscription as disconnected: the response could not be set up, or
	 * the container ended it.
	 */
	void abandon() {
		Subscription current = this.subscription;
		if (current != null) {
			current.disconnected();
		}
	}

	// Served by Spring MVC

	@Override
	protected void extendResponse(ServerHttpResponse outputMessage) {
		super.extendResponse(outputMessage);
		synchronized (this.lock) {
			this.mode = Mode.EMITTER;
		}
		runWritableCallback();
	}

	// Connection

	@Override
	public void onWritable(Runnable callback) {
		this.writableCallback = callback;
	}

	@Override
	public boolean isWritable() throws IOException {
		Mode current = this.mode;
		if (current != Mode.SERVLET) {
			return current == Mode.EMITTER;
		}
		if (!this.nonBlocking) {
			return true;
		}
		checkResponse();
		try {
			ServletOutputStream out = this.output;
			if (!out.isReady()) {
				return false;
			}
			if (this.flushPending) {
				this.flushPending = false;
				out.flush();
				return out.isReady();
			}
			return true;
		}
		catch (RuntimeException ex) {
			// A container may recycle the stream once the response is complete.
			throw new IOException("Response already completed", ex);
		}
	}

	@Override
	public void write(byte[] frames) throws IOException {
		try {
			if (this.mode == Mode.EMITTER) {
				super.send(Set.of(new DataWithMediaType(frames, MediaType.TEXT_EVENT_STREAM)));
				return;
			}
			checkResponse();
			ServletOutputStream out = this.output;
			if (out == null) {
				throw new IllegalStateException("The response is not ready for writing");
			}
			out.write(frames);
			if (!this.nonBlocking || out.isReady()) {
				out.flush();
			}
			else {
				// Flushed once the container can take more.
				this.flushPending = true;
			}
		}
		catch (IllegalStateException ex) {
			// Completed (timeout, client gone) before the write.
			throw new IOException("Response already completed", ex);
		}
	}

	@Override
	public void close() {
		DeferredResult<Object> servletResult;
		synchronized (this.lock) {
			this.ended = true;
			servletResult = (this.mode == Mode.SERVLET) ? this.result : null;
		}
		if (servletResult != null) {
			if (!this.responseDone) {
				try {
					servletResult.setResult(null);
				}
				catch (RuntimeException ex) {
					// The container ended the response meanwhile (the client went away):
					// it completes the request itself.
				}
			}
			return;
		}
		try {
			super.complete();
		}
		catch (RuntimeException ex) {
			// Already completed or failed; nothing is left to end.
		}
	}

	// The emitter's public API

	/**
	 * Not supported: events reach subscribers through
	 * {@link SseReplay#publish(String, Object)}, so they are stored and resumable.
	 */
	@Override
	public void send(Object object) {
		throw sendNotSupported();
	}

	/**
	 * Not supported: events reach subscribers through
	 * {@link SseReplay#publish(String, Object)}.
	 */
	@Override
	public void send(Object object, MediaType mediaType) {
		throw sendNotSupported();
	}

	/**
	 * Not supported: events reach subscribers through
	 * {@link SseReplay#publish(String, dev.ssereplay.event.SseEvent)}.
	 */
	@Override
	public void send(SseEventBuilder builder) {
		throw sendNotSupported();
	}

	/**
	 * Not supported: events reach subscribers through
	 * {@link SseReplay#publish(String, Object)}.
	 */
	@Override
	public void send(Set<DataWithMediaType> items) {
		throw sendNotSupported();
	}

	/**
	 * Ends the stream after what has been written; the client may resume.
	 */
	@Override
	public void complete() {
		Subscription current = this.subscription;
		if (current != null) {
			current.cancel();
		}
	}

	/**
	 * Ends the stream like {@link #complete()}; the error is not sent to the
	 * client.
	 */
	@Override
	public void completeWithError(Throwable ex) {
		complete();
	}

	@Override
	public void onCompletion(Runnable callback) {
		this.completionCallback = callback;
	}

	@Override
	public void onTimeout(Runnable callback) {
		this.timeoutCallback = callback;
	}

	@Override
	public void onError(Consumer<Throwable> callback) {
		this.errorCallback = callback;
	}

	private void checkResponse() throws IOException {
		if (this.responseDone) {
			throw new IOException("Response already completed");
		}
	}

	private void completed() {
		responseEnded();
		run(this.completionCallback);
	}

	private void timedOut() {
		responseEnded();
		run(this.timeoutCallback);
	}

	private void failed(Throwable ex) {
		responseEnded();
		Consumer<Throwable> callback = this.errorCallback;
		if (callback != null) {
			callback.accept(ex);
		}
	}

	private void responseEnded() {
		this.responseDone = true;
		abandon();
	}

	private void runWritableCallback() {
		run(this.writableCallback);
	}

	private static void run(Runnable callback) {
		if (callback != null) {
			callback.run();
		}
	}

	private static UnsupportedOperationException sendNotSupported() {
		return new UnsupportedOperationException(
				"Events are written by sse-replay; publish them with SseReplay.publish so they are stored and resumable");
	}

	/**
	 * Runs the subscriber's writer when the container can take a write.
	 */
	private final class ReadyListener implements WriteListener {

		@Override
		public void onWritePossible() {
			runWritableCallback();
		}

		@Override
		public void onError(Throwable ex) {
			failed(ex);
		}

	}

}
