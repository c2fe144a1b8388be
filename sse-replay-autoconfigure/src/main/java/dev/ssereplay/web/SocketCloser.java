package dev.ssereplay.web;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Closes the socket under an event stream the server ended, once a grace has
 * passed, when its client may never read the end: so that the connection does
 * not stay open until the container's own timeout, a minute by default.
 * <p>
 * When the server ends a stream the container still has to send what it holds
 * and the end of the response, and a client that does not read keeps that from
 * ever leaving. Closing the socket loses nothing: the client resumes from the
 * store with its last event id. It applies to a stream the broker ended on its
 * own account (the slow-connection policy, shutdown) and to one ended (at the
 * connection timeout, by the application) while the container could not take
 * all that was written to it. A client that reads again within the grace
 * receives the end of the response, and a connection that carries a new
 * request by then is left alone, so HTTP keep-alive works as before.
 * <p>
 * The servlet API offers no way to the socket, so each container needs its own
 * implementation; {@link #NONE} leaves connections to the container.
 */
@FunctionalInterface
public interface SocketCloser {

	/**
	 * Closes no socket: connections whose client stopped reading end at the
	 * container's timeouts.
	 */
	SocketCloser NONE = (response) -> () -> {
	};

	/**
	 * Takes hold of the socket under a response. Called on the request's thread
	 * when the event stream starts, while the response is live: a container may
	 * recycle the response as soon as it ends.
	 * @param response the event stream's response, possibly wrapped
	 * @return what to run right before the server ends the response, when it is
	 * to be closed: it closes the socket once the grace has passed, unless it is
	 * closed or carries a new request by then; it does not block and may run on
	 * any thread. A no-op when the socket cannot be reached or must not be
	 * closed, such as one that carries other HTTP/2 streams.
	 */
	Runnable prepare(HttpServletResponse response);

}
