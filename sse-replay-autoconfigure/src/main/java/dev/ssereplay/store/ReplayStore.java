package dev.ssereplay.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;

/**
 * The history of every stream, and the source of truth for what a client has
 * missed.
 * <p>
 * Contract, for every implementation:
 * <ul>
 * <li>{@link #append} gives each event of a stream the next sequence number (1,
 * 2, 3, ... with no holes) in the stream's current epoch, formats it once, and
 * then passes it to every {@link #addListener listener}, in the order of the
 * stream's sequence numbers as far as the implementation can promise it;
 * subscribers treat that live path as a hint and fill any hole from
 * {@link #readAfter}.</li>
 * <li>{@link #readAfter} answers the events after a position, oldest first, or
 * {@link ReadResult.CannotServe} with the reason; never a partial history
 * presented as complete.</li>
 * <li>A stream's history that is lost (removed when idle, a restarted process,
 * a vanished key) starts again in a new epoch, so old ids cannot match.</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface ReplayStore {

	/**
	 * Appends an event to a stream, creating the stream when needed.
	 * @param stream a valid stream name
	 * @param event the event
	 * @return the stored event with its assigned id and wire form
	 * @throws StoreUnavailableException when the event could not be stored
	 */
	StoredEvent append(String stream, SseEvent event);

	/**
	 * Appends an event to a stream unless an append to it with the same
	 * idempotency key was stored within the time to live: then nothing is stored,
	 * no listener hears of it, and the answer is the first event's id, even when
	 * the stream has ended since. Keys belong to the stream's lifetime: a stream
	 * that starts again (after a delete, or history lost) has forgotten them. Keys
	 * are compared, not the events: a repeat with other data is still a repeat.
	 * <p>
	 * The default throws {@link UnsupportedOperationException}: a store that
	 * cannot keep the promise must not seem to.
	 * @param stream a valid stream name
	 * @param event the event
	 * @param key the key, the same on every retry of one publish
	 * @return the id, and whether the key had been used
	 * @throws StoreUnavailableException when the event could not be stored
	 * @throws StreamCompletedException when the stream has ended and the key is new
	 */
	default IdempotentAppend appendOnce(String stream, SseEvent event, IdempotencyKey key) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support idempotency keys");
	}

	/**
	 * Appends an event to a stream without waiting for the store where the store
	 * can, so that many appends can be on their way at once. Appends to a stream
	 * made one after another from one thread get their sequence numbers in that
	 * order, as with {@link #append}. The default appends at once and returns a
	 * completed future.
	 * @param stream a valid stream name
	 * @param event the event
	 * @return the stored event, or a future failed with
	 * {@link StoreUnavailableException} when the event could not be stored, or
	 * {@link StreamCompletedException} when the stream has ended
	 */
	default CompletableFuture<StoredEvent> appendAsync(String stream, SseEvent event) {
		try {
			return CompletableFuture.completedFuture(append(stream, event));
		}
		catch (StoreUnavailableException | StreamCompletedException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Appends an event with an idempotency key, as
	 * {@link #appendOnce} does, without waiting for
	 * the store where the store can, and in order as {@link #appendAsync} does.
	 * The default appends at once and returns a completed future.
	 * @param stream a valid stream name
	 * @param event the event
	 * @param key the key, the same on every retry of one publish
	 * @return the id and whether the key had been used, or a failed future as
	 * {@link #appendAsync} gives
	 */
	default CompletableFuture<IdempotentAppend> appendOnceAsync(String stream, SseEvent event, IdempotencyKey key) {
		try {
			return CompletableFuture.completedFuture(appendOnce(stream, event, key));
		}
		catch (StoreUnavailableException | StreamCompletedException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Whether {@link #append} can wait on something outside the process, such as a
	 * network round trip. Events of a store that never waits may be appended on any
	 * thread, an event loop's included. The default is the safe answer,
	 * {@code true}.
	 * @return {@code false} when an append never waits
	 */
	default boolean appendMayWait() {
		return true;
	}

	/**
	 * Returns the position of the newest event of a stream, the position before
	 * the first event when it has none; creates the stream when needed.
	 * @param stream a valid stream name
	 * @return the head position
	 * @throws StoreUnavailableException when the store cannot be reached
	 */
	EventId head(String stream);

	/**
	 * Returns the head of a stream and whether it has ended; creates the stream
	 * when needed, as {@link #head} does.
	 * @param stream a valid stream name
	 * @return the status
	 * @throws StoreUnavailableException when the store cannot be reached
	 */
	default StreamStatus status(String stream) {
		return StreamStatus.open(head(stream));
	}

	/**
	 * Appends a stream's final event and marks the stream ended, atomically: the
	 * event is passed to the listeners with {@link StoredEvent#ends()} set, reads
	 * return it as the last event, and appends fail with
	 * {@link StreamCompletedException} until the history is gone.
	 * @param stream a valid stream name
	 * @param finalEvent the final event
	 * @param keepFor how long the history stays after the end, or {@code null}
	 * for the time to live
	 * @return the stored final event
	 * @throws StreamCompletedException when the stream has already ended
	 * @throws StoreUnavailableException when the event could not be stored
	 */
	default StoredEvent complete(String stream, SseEvent finalEvent, Duration keepFor) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot end streams");
	}

	/**
	 * Removes a stream's history and ends its current lifetime: the final event
	 * gets the next id and is passed to the listeners, but not stored; reads with
	 * an id of the lifetime answer {@link ReadResult.Deleted}, and
	 * {@link #status} reports it ended and deleted, for the time to live or until
	 * the next append, which starts a new lifetime in a new epoch.
	 * @param stream a valid stream name
	 * @param finalEvent the event that tells connections the stream is gone
	 * @return the final event, or {@code null} when the stream had no lifetime or
	 * had already ended (its history is removed all the same)
	 * @throws StoreUnavailableException when the store cannot be reached
	 */
	default StoredEvent delete(String stream, SseEvent finalEvent) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete streams");
	}

	/**
	 * Reads up to {@code limit} events that follow a position.
	 * @param stream a valid stream name
	 * @param after the last position the reader has
	 * @param limit the most events to return, positive
	 * @return the events after the position (empty when it is the head), or why
	 * the store cannot serve it
	 * @throws StoreUnavailableException when the store cannot be reached
	 */
	ReadResult readAfter(String stream, EventId after, int limit);

	/**
	 * Reads as {@link #readAfter} does, without waiting for the store where the
	 * store can: a subscriber's writer, which serves many connections, asks for a
	 * page and goes on with the others until it is there. The future may complete
	 * on a thread of the store's that must not wait, so what is chained to it
	 * should only hand the page over. The default reads at once and returns a
	 * completed future.
	 * @param stream a valid stream name
	 * @param after the last position the reader has
	 * @param limit the most events to return, positive
	 * @return what {@link #readAfter} answers, or a future failed with
	 * {@link StoreUnavailableException} when the store cannot be reached
	 */
	default CompletableFuture<ReadResult> readAfterAsync(String stream, EventId after, int limit) {
		try {
			return CompletableFuture.completedFuture(readAfter(stream, after, limit));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Describes one stream, without creating it.
	 * @param stream a valid stream name
	 * @return the stream, or {@code null} when the store holds nothing of it
	 * @throws StoreUnavailableException when the store cannot be reached
	 */
	default StreamSummary summary(String stream) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot describe streams");
	}

	/**
	 * Lists the streams the store holds, a page at a time; a stream created or
	 * removed while paging may or may not be listed.
	 * @param from where the page starts: {@code null} for the first page, else
	 * the previous page's {@link StreamPage#next()}
	 * @param limit how many streams the page should hold at most; a page may
	 * hold fewer and still be followed by another
	 * @return the page
	 * @throws StoreUnavailableException when the store cannot be reached
	 */
	default StreamPage streams(String from, int limit) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list streams");
	}

	/**
	 * Registers a listener for every appended event, the live fan-out path.
	 * @param listener called after each append, possibly on another thread
	 */
	void addListener(Consumer<StoredEvent> listener);

	/**
	 * Tells the store which streams are in use, so that it keeps their epoch while
	 * they have no retained events.
	 * @param inUse whether a stream has subscribers
	 */
	default void retainWhile(Predicate<String> inUse) {
	}

	/**
	 * Removes what has outlived its time to live and streams that are idle. Called
	 * about once a second from the broker's housekeeping tick, which also drives
	 * heartbeats, so it must not block: a store that needs to talk to a server
	 * does that work on a thread of its own. Stores that expire by themselves need
	 * not do anything.
	 */
	default void housekeep() {
	}

	/**
	 * Returns the number of events retained, by this process where the store is
	 * shared.
	 * @return events, or -1 when unknown
	 */
	long eventCount();

	/**
	 * Returns the number of bytes the retained history takes: formatted events,
	 * and where the store can estimate them, the objects that hold them.
	 * @return bytes, or -1 when unknown
	 */
	long byteCount();

	/**
	 * Returns how many times a listener threw; the others were called all the
	 * same.
	 * @return failures since the store started
	 */
	default long listenerFailures() {
		return 0;
	}

	/**
	 * Returns the number of events removed to keep a bound.
	 * @param reason the bound
	 * @return events removed since the store started
	 */
	default long evictions(EvictionReason reason) {
		return 0;
	}

}
