package dev.ssereplay.web;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.filter.ShallowEtagHeaderFilter;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitterReturnValueHandler;

/**
 * Serves the emitters of {@link SseReplay#subscribe} with non-blocking servlet
 * output, and every other emitter, streaming or reactive return value through
 * Spring MVC's own handler, which it wraps.
 * <p>
 * For an sse-replay emitter it sets the {@code text/event-stream} content type,
 * sends the response headers at once (so the client sees the stream open before
 * the first event), starts asynchronous processing through Spring MVC's
 * {@code WebAsyncManager} (so filters, interceptors and the request's timeout
 * behave as for any emitter) and hands the response's output stream to the
 * emitter, which registers a {@link jakarta.servlet.WriteListener}. Its
 * {@link SocketCloser} takes hold of the socket under the response then, for a
 * stream the server may end while its client is not reading.
 * <p>
 * {@link #install(RequestMappingHandlerAdapter)} puts it in place of the
 * {@link ResponseBodyEmitterReturnValueHandler}, which Spring MVC consults before
 * any custom handler.
 */
public final class SseReplayReturnValueHandler implements HandlerMethodReturnValueHandler {

	private final HandlerMethodReturnValueHandler delegate;

	private final SocketCloser socketCloser;

	/**
	 * Creates a handler that leaves the sockets of clients that stop reading to
	 * the container.
	 * @param delegate Spring MVC's handler for everything that is not an
	 * sse-replay emitter
	 */
	public SseReplayReturnValueHandler(HandlerMethodReturnValueHandler delegate) {
		this(delegate, SocketCloser.NONE);
	}

	/**
	 * Creates a handler.
	 * @param delegate Spring MVC's handler for everything that is not an
	 * sse-replay emitter
	 * @param socketCloser what closes the socket of a stream the server ended
	 * while its client was not reading
	 */
	public SseReplayReturnValueHandler(HandlerMethodReturnValueHandler delegate, SocketCloser socketCloser) {
		this.delegate = delegate;
		this.socketCloser = socketCloser;
	}

	/**
	 * Replaces the adapter's {@link ResponseBodyEmitterReturnValueHandler} with one
	 * that wraps it and leaves the sockets of clients that stop reading to the
	 * container. Call after the adapter is initialized; does nothing when it is
	 * already installed or the adapter has no such handler.
	 * @param adapter the adapter
	 * @return whether the handler was installed
	 */
	public static boolean install(RequestMappingHandlerAdapter adapter) {
		return install(adapter, SocketCloser.NONE);
	}

	/**
	 * Replaces the adapter's {@link ResponseBodyEmitterReturnValueHandler} with one
	 * that wraps it. Call after the adapter is initialized; does nothing when it is
	 * already installed or the adapter has no such handler.
	 * @param adapter the adapter
	 * @param socketCloser what closes the socket of a stream the server ended
	 * while its client was not reading
	 * @return whether the handler was installed
	 */
	public static boolean install(RequestMappingHandlerAdapter adapter, SocketCloser socketCloser) {
		List<HandlerMethodReturnValueHandler> handlers = adapter.getReturnValueHandlers();
		if (handlers == null) {
			return false;
		}
		List<HandlerMethodReturnValueHandler> replaced = new ArrayList<>(handlers.size());
		boolean installed = false;
		for (HandlerMethodReturnValueHandler handler : handlers) {
			if (handler instanceof ResponseBodyEmitterReturnValueHandler) {
				replaced.add(new SseReplayReturnValueHandler(handler, socketCloser));
				installed = true;
			}
			else {
				replaced.add(handler);
			}
		}
		if (installed) {
			adapter.setReturnValueHandlers(replaced);
		}
		return installed;
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return this.delegate.supportsReturnType(returnType);
	}

	@Override
	public void handleReturnValue(Object returnValue, MethodParameter returnType,
			ModelAndViewContainer mavContainer, NativeWebRequest webRequest) throws Exception {
		if (!(returnValue instanceof ReplayEmitter emitter)) {
			this.delegate.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
			return;
		}
		mavContainer.setRequestHandled(true);
		HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
		HttpServletResponse response = webRequest.getNativeResponse(HttpServletResponse.class);
		if (request == null || response == null) {
			emitter.abandon();
			throw new IllegalStateException("An event stream needs a servlet request and response");
		}
		DeferredResult<Object> result = new DeferredResult<>(emitter.getTimeout());
		boolean started = false;
		try {
			EventStreamHttp.prepare(response);
			ShallowEtagHeaderFilter.disableContentCaching(request);
			emitter.prepare(result);
			// Before anything is committed, so that a failure can still be answered.
			WebAsyncUtils.getAsyncManager(webRequest).startDeferredResultProcessing(result, mavContainer);
			started = true;
			response.flushBuffer();
			emitter.attach(response.getOutputStream(), result, request.getAsyncContext(),
					this.socketCloser.prepare(response));
		}
		catch (Exception | Error ex) {
			emitter.abandon();
			if (!started) {
				throw ex;
			}
			// Asynchronous processing has started: end it through Spring MVC's error
			// handling (typically the client went away while the headers were sent).
			result.setErrorResult(ex);
		}
	}

}
