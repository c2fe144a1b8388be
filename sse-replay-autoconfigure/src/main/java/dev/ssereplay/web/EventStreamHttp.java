package dev.ssereplay.web;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.ssereplay.broker.Client;

/**
 * What an event stream reads from its request and sets on its response, in one
 * place for both ways an emitter is served.
 */
final class EventStreamHttp {

	private static final String NO_CACHE = "no-cache";

	// Tells nginx and similar proxies to pass each event on as it comes.
	private static final String ACCEL_BUFFERING = "X-Accel-Buffering";

	private EventStreamHttp() {
	}

	/**
	 * Returns the client's last event id: the {@code Last-Event-ID} header, else
	 * the {@code last_event_id} query parameter, which a browser's
	 * {@code EventSource} needs on its first connect.
	 * @param request the request, may be {@code null} outside a request
	 * @return the raw value, {@code null} when there is none
	 */
	static String lastEventId(HttpServletRequest request) {
		if (request == null) {
			return null;
		}
		String header = request.getHeader(SseReplay.LAST_EVENT_ID_HEADER);
		return (header != null && !header.isEmpty()) ? header : request.getParameter(SseReplay.LAST_EVENT_ID_PARAMETER);
	}

	/**
	 * Returns who a request comes from, for the per-client connection limits: its
	 * remote address (the client's own behind a proxy when the application trusts
	 * forwarded headers, {@code server.forward-headers-strategy}) and its user.
	 * @param request the request, may be {@code null} outside a request
	 * @return the client
	 */
	static Client client(HttpServletRequest request) {
		if (request == null) {
			return Client.UNKNOWN;
		}
		Principal principal = request.getUserPrincipal();
		return new Client(request.getRemoteAddr(), (principal != null) ? principal.getName() : null);
	}

	/**
	 * Sets the stream's headers on a servlet response that is not committed: the
	 * content type unless the application set one, no caching, no proxy buffering.
	 * @param response the response
	 */
	static void prepare(HttpServletResponse response) {
		if (response.isCommitted()) {
			return;
		}
		if (response.getContentType() == null) {
			response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
		}
		response.setHeader(HttpHeaders.CACHE_CONTROL, NO_CACHE);
		response.setHeader(ACCEL_BUFFERING, "no");
	}

	/**
	 * Sets the same headers, but the content type, which Spring MVC sets for an
	 * emitter, on the headers of a response served by Spring MVC.
	 * @param headers the response's headers
	 */
	static void prepare(HttpHeaders headers) {
		headers.setCacheControl(NO_CACHE);
		headers.set(ACCEL_BUFFERING, "no");
	}

}
