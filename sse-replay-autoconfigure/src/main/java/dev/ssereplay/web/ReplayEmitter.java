package dev.ssereplay.web;

import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;

import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.broker.Connection;
import dev.ssereplay.broker.Subscription;

/**
 * The emitter {@link SseReplay#subscribe} returns, and the connection its
 * subscriber writes to.
 * <p>
 * Served by {@link SseReplayReturnValueHandler} (the default with the
 * auto-configuration), it hands its writes to a {@link ServletOutput}, which
 * writes pre-formatted bytes straight to the response's
 * {@link ServletOutputStream} with non-blocking I/O: the subscriber writes only
 * when the container can take the write, so a client that stops reading never
 * holds a thread, and its events wait in the subscriber's bounded queue where
 * the slow-connection policy sees them. Served by Spring MVC's own handling of
 * emitters (the handler is not installed, or the emitter is wrapped in a
 * {@code ResponseEntity}), it writes through {@link SseEmitter#send(Set)} like any
 * emitter, each call one write and one flush, and a write may block.
 * <p>
 * Events reach the connection only through the broker: the {@code send} methods
 * throw, and {@link #complete()} ends the subscription. What this class keeps is
 * the façade and which of the two paths serves it; the hand-over between the
 * request thread, the writer and the container's callbacks happens under one
 * lock, in {@link #attach}, {@link #close} and the end of the response.
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

	// Guarded by lock for the hand-over between the request thread, the writer
	// and the container's callbacks; volatile for the writer's reads.
	private volatile Mode mode = Mode.PENDING;

	private volatile boolean ended;

	private volatile boolean responseDone;

	private volatile ServletOutput servlet;

	private volatile Subscription subscription;

	private volatile Runnable writableCallback;

	private volatile Runnable completionCallback;

	private volatile Runnable timeoutCallback;

	private volatile Consumer<Throwable> errorCallback;

	// Told when one of the application's callbacks throws.
	private final Consumer<RuntimeException> callbackFailed;

	ReplayEmitter(Long timeout, Consumer<RuntimeException> callbackFailed) {
		super(timeout);
		this.callbackFailed = callbackFailed;
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
			ServletOutput attached = this.servlet;
			if (attached != null) {
				attached.closeSocketIfBehind();
			}
			// The stream ends normally: the client resumes where it was.
			result.setResult(null);
		});
		result.onError(this::failed);
	}

	/**
	 * Starts writing to the response, once asynchronous processing has started.
	 * @param output the response's output stream
	 * @param result the request's asynchronous result
	 * @param asyncContext the request's asynchronous context
	 * @param closeSocketAfterGrace what closes the socket after the close grace,
	 * from {@link SocketCloser#prepare}
	 */
	void attach(ServletOutputStream output, DeferredResult<Object> result, AsyncContext asyncContext,
			Runnable closeSocketAfterGrace) {
		ServletOutput attached = new ServletOutput(output, result, asyncContext, closeSocketAfterGrace);
		boolean endNow;
		synchronized (this.lock) {
			this.servlet = attached;
			this.mode = Mode.SERVLET;
			endNow = this.ended;
			if (this.responseDone) {
				attached.done();
			}
		}
		if (endNow) {
			attached.complete();
			return;
		}
		attached.listen(this::runWritableCallback, this::failed);
		runWritableCallback();
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
		EventStreamHttp.prepare(outputMessage.getHeaders());
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
		if (current == Mode.SERVLET) {
			return this.servlet.isWritable();
		}
		return current == Mode.EMITTER;
	}

	@Override
	public void write(byte[] frames) throws IOException {
		Mode current = this.mode;
		if (current == Mode.SERVLET) {
			this.servlet.write(frames);
			return;
		}
		if (current != Mode.EMITTER) {
			throw new IOException("The response is not ready for writing");
		}
		try {
			super.send(Set.of(new DataWithMediaType(frames, MediaType.TEXT_EVENT_STREAM)));
		}
		catch (IllegalStateException ex) {
			// Completed (timeout, client gone) before the write.
			throw new IOException("Response already completed", ex);
		}
	}

	/**
	 * Ends the response normally: its socket is closed after the close grace only
	 * when the client is behind.
	 */
	@Override
	public void close() {
		end(false);
	}

	/**
	 * Ends the response. When the server ended a slow connection or shuts down,
	 * the client may not read the end at all: the socket is closed after the
	 * close grace unless the client comes back on it. Otherwise (the stream ended,
	 * the authorization expired, the application cancelled) it is closed only
	 * when the client is behind, and a client that keeps up keeps its connection.
	 */
	@Override
	public void close(CloseReason reason) {
		end(reason == CloseReason.SLOW || reason == CloseReason.SHUTDOWN);
	}

	private void end(boolean closeSocket) {
		ServletOutput attached;
		synchronized (this.lock) {
			this.ended = true;
			attached = (this.mode == Mode.SERVLET) ? this.servlet : null;
		}
		if (attached != null) {
			if (closeSocket) {
				attached.completeAndCloseSocket();
			}
			else {
				attached.complete();
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

	private void completed() {
		responseEnded();
		runApplicationCallback(this.completionCallback);
	}

	private void timedOut() {
		responseEnded();
		runApplicationCallback(this.timeoutCallback);
	}

	private void failed(Throwable ex) {
		responseEnded();
		Consumer<Throwable> callback = this.errorCallback;
		if (callback != null) {
			runApplicationCallback(() -> callback.accept(ex));
		}
	}

	// The response has ended either way; what the application's callback throws
	// must not reach the container.
	private void runApplicationCallback(Runnable callback) {
		try {
			run(callback);
		}
		catch (RuntimeException ex) {
			this.callbackFailed.accept(ex);
		}
	}

	private void responseEnded() {
		ServletOutput attached;
		synchronized (this.lock) {
			this.responseDone = true;
			attached = this.servlet;
		}
		if (attached != null) {
			attached.done();
		}
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

}
