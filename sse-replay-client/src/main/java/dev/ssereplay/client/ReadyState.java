package dev.ssereplay.client;

/**
 * The state of an {@link SseClient}'s connection, as in a browser's
 * {@code EventSource.readyState}.
 */
public enum ReadyState {

	/**
	 * Not connected yet, or waiting to reconnect after the connection dropped.
	 */
	CONNECTING,

	/**
	 * Connected: the server answered with an event stream and events may arrive.
	 */
	OPEN,

	/**
	 * Closed for good, by {@link SseClient#close()}, by an HTTP 204 answer, or by an
	 * error that the retry policy chose not to retry. It never reconnects again.
	 */
	CLOSED

}
