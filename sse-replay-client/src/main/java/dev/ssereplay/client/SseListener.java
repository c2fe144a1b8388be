package dev.ssereplay.client;

/**
 * Receives what happens on an {@link SseClient}: its events and the changes of its
 * connection.
 *
 * <p>Callbacks of one client never run concurrently and arrive in order, but not
 * always on the same thread: they run on the {@code HttpClient}'s threads, on the
 * timer thread that all clients share, or on a thread that calls the client (such as
 * {@link SseClient#close()}). They should return quickly: a callback that blocks holds
 * back the client's reading and, on the timer thread, the timers of every client. A
 * callback may call the client; what that causes is delivered after the callback
 * returns. An exception thrown by a callback is logged and otherwise ignored.
 */
@FunctionalInterface
public interface SseListener {

	/**
	 * Called for each event, except a {@code resync} event, which goes to
	 * {@link #onResync(SseEvent)}.
	 * @param event the event
	 */
	void onEvent(SseEvent event);

	/**
	 * Called when the server said it could not resume from the position the client
	 * asked for: events may have been missed, and an application that keeps state
	 * built from the events should reload it. Live events follow. The event's id is
	 * the server's current head, from which the client now continues. Does nothing by
	 * default.
	 * @param event the resync event, named as configured by
	 * {@link SseClient.Builder#resyncEventName(String)
	 * SseClient.Builder.resyncEventName(String)}
	 */
	default void onResync(SseEvent event) {
	}

	/**
	 * Called each time the server answers with an event stream. Does nothing by
	 * default.
	 */
	default void onOpen() {
	}

	/**
	 * Called when the server set a last event id that the client cannot send back in
	 * a {@code Last-Event-ID} header as it is: one with a character other than
	 * printable ASCII, or a space at either end, which the {@code HttpClient} would
	 * change. The standard allows such ids, so the client goes on, but it keeps the
	 * last id it can send as its position ({@link SseClient#lastEventId()}): after a
	 * reconnection the server may send again the events that came after that id.
	 * Events still carry the server's id in {@link SseEvent#id()}. Called when the
	 * stream's id becomes such an id, before the event of the block that set it, and
	 * not again for the events after it that carry the same id. Does nothing by
	 * default.
	 * @param id the id the server set
	 * @param lastEventId the position the client keeps instead, the empty string when
	 * it has none (a reconnection then starts from the server's current position)
	 */
	default void onUnsendableId(String id, String lastEventId) {
	}

	/**
	 * Called when a connection attempt fails or an open connection ends: an
	 * {@link SseResponseException} for an unexpected HTTP answer, a
	 * {@link java.net.http.HttpTimeoutException} when nothing arrived for the read
	 * timeout, an {@link java.io.EOFException} when the server ended the stream, a
	 * {@link java.net.ProtocolException} when a line or an event is larger than
	 * {@link SseClient.Builder#maxEventSize(int) SseClient.Builder.maxEventSize(int)},
	 * or the {@code IOException} of the failed connection. The client then
	 * reconnects, unless its {@link SseClient#readyState() ready state} is
	 * {@link ReadyState#CLOSED}, in which case {@link #onClosed()} follows. Does
	 * nothing by default.
	 * @param error why the connection ended
	 */
	default void onError(Throwable error) {
	}

	/**
	 * Called once when the client reaches {@link ReadyState#CLOSED}. Does nothing by
	 * default.
	 */
	default void onClosed() {
	}

}
