package dev.ssereplay.web;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;

import org.reactivestreams.Publisher;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.Callback;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.PayloadSerializer;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.store.StreamCompletedException;

/**
 * The entry point of sse-replay: subscribe the current request to a stream, and
 * publish events to streams.
 *
 * <pre class="code">
 * &#64;GetMapping("/streams/{stream}")
 * SseEmitter subscribe(&#64;PathVariable String stream) {
 *     return sseReplay.subscribe(stream);
 * }
 *
 * String id = sseReplay.publish("prices", "tick", quote);
 * </pre>
 *
 * A subscriber that sends {@code Last-Event-ID} (the header, or the
 * {@code last_event_id} query parameter a browser can set on its first connect)
 * receives every event after it exactly once, in order, then live events; when
 * that id cannot be served it receives the resync event first. A fresh
 * subscriber first receives the current head id, so it resumes from the right
 * place even if it drops before the first event.
 * <p>
 * The emitter {@code subscribe} returns is written by sse-replay: return it from
 * the handler method as it is. With {@link SseReplayReturnValueHandler} installed
 * (the auto-configuration's default) it is written with non-blocking servlet
 * output, so a client that stops reading holds no thread. Its {@code send}
 * methods throw, since an event that does not go through {@link #publish} would
 * be neither stored nor resumable; {@code complete()} ends the stream.
 * <p>
 * Thread-safe.
 */
public final class SseReplay {

	/** The header a reconnecting {@code EventSource} sends. */
	public static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";

	/** The query parameter a client can use for its first connect. */
	public static final String LAST_EVENT_ID_PARAMETER = "last_event_id";

	private final Broker broker;

	private final SubscriptionGate gate;

	private final Publications publications;

	/**
	 * Creates the entry point, naming final events {@code complete}.
	 * @param broker the broker subscribers are registered with
	 * @param serializer how typed payloads become data, or {@code null} to accept
	 * text only
	 * @param connectionTimeout how long a connection stays open before the server
	 * ends it and the client reconnects; zero for no limit
	 * @param maxEventSize the most bytes of UTF-8 an event's name and data may take
	 */
	public SseReplay(Broker broker, PayloadSerializer serializer, Duration connectionTimeout,
			long maxEventSize) {
		this(broker, serializer, connectionTimeout, maxEventSize, "complete");
	}

	/**
	 * Creates the entry point.
	 * @param broker the broker subscribers are registered with
	 * @param serializer how typed payloads become data, or {@code null} to accept
	 * text only
	 * @param connectionTimeout how long a connection stays open before the server
	 * ends it and the client reconnects; zero for no limit
	 * @param maxEventSize the most bytes of UTF-8 an event's name and data may take
	 * @param completeEventName the name of a stream's final event
	 */
	public SseReplay(Broker broker, PayloadSerializer serializer, Duration connectionTimeout, long maxEventSize,
			String completeEventName) {
		this(broker, serializer, connectionTimeout, maxEventSize, completeEventName, null);
	}

	/**
	 * Creates the entry point with an authorizer.
	 * @param broker the broker subscribers are registered with
	 * @param serializer how typed payloads become data, or {@code null} to accept
	 * text only
	 * @param connectionTimeout how long a connection stays open, give or take a
	 * tenth, before the server ends it and the client reconnects; zero for no
	 * limit
	 * @param maxEventSize the most bytes of UTF-8 an event's name and data may take
	 * @param completeEventName the name of a stream's final event
	 * @param authorizer who may subscribe, or {@code null} for anyone
	 */
	public SseReplay(Broker broker, PayloadSerializer serializer, Duration connectionTimeout, long maxEventSize,
			String completeEventName, SubscriptionAuthorizer authorizer) {
		this.broker = broker;
		this.gate = new SubscriptionGate(broker, connectionTimeout, authorizer);
		this.publications = new Publications(broker, serializer, maxEventSize, completeEventName);
	}

	/**
	 * Subscribes the current request to a stream, resuming after its
	 * {@code Last-Event-ID} header or {@code last_event_id} query parameter.
	 * @param stream the stream name
	 * @return the emitter to return from the handler method
	 * @throws dev.ssereplay.event.InvalidStreamNameException when the name is invalid
	 * @throws SubscriptionDeniedException when the {@link SubscriptionAuthorizer}
	 * denies it
	 * @throws dev.ssereplay.broker.TooManyConnectionsException when the connection
	 * limit is reached
	 * @throws StreamCompletedException when the stream has ended and the client
	 * has nothing left to receive
	 */
	public SseEmitter subscribe(String stream) {
		return subscribe(stream, SubscribeOptions.defaults());
	}

	/**
	 * Subscribes to a stream, resuming after the given id.
	 * @param stream the stream name
	 * @param lastEventId the client's last event id, or {@code null} (or empty)
	 * for a fresh connect
	 * @return the emitter to return from the handler method
	 */
	public SseEmitter subscribe(String stream, String lastEventId) {
		return subscribe(stream, SubscribeOptions.builder().lastEventId(lastEventId).build());
	}

	/**
	 * Subscribes to a stream, resuming after the given id, and delivers only events
	 * with the given names (an unnamed event is named {@code message}).
	 * @param stream the stream name
	 * @param lastEventId the client's last event id, or {@code null} (or empty)
	 * for a fresh connect
	 * @param eventNames the names to deliver, or {@code null} or empty for all
	 * @return the emitter to return from the handler method
	 */
	public SseEmitter subscribe(String stream, String lastEventId, Set<String> eventNames) {
		return subscribe(stream, SubscribeOptions.builder().lastEventId(lastEventId).eventNames(eventNames).build());
	}

	/**
	 * Subscribes the current request to a stream with options of its own: its
	 * position (by default the request's), an event-name filter, a queue depth
	 * and a slow-connection policy.
	 * @param stream the stream name
	 * @param options how this subscription differs from the defaults
	 * @return the emitter to return from the handler method
	 */
	public SseEmitter subscribe(String stream, SubscribeOptions options) {
		SubscriptionGate.Admission admission = this.gate.admit(stream, options, currentRequest());
		ReplayEmitter emitter = new ReplayEmitter(admission.timeoutMillis(),
				(ex) -> this.broker.callbackFailed(Callback.EMITTER_CALLBACK, stream, ex));
		emitter.subscription(this.broker.subscribe(stream, admission.from(), emitter, admission.client(),
				admission.settings()));
		return emitter;
	}

	/**
	 * Publishes data as an unnamed event.
	 * @param stream the stream name
	 * @param data text, published verbatim, or a payload for the serializer
	 * @return the id assigned to the event
	 */
	public String publish(String stream, Object data) {
		return publish(stream, null, data);
	}

	/**
	 * Publishes data as a named event.
	 * @param stream the stream name
	 * @param eventName the event name, or {@code null} for the default {@code message}
	 * @param data text, published verbatim, or a payload for the serializer
	 * @return the id assigned to the event
	 * @throws dev.ssereplay.event.InvalidStreamNameException when the stream name is invalid
	 * @throws EventTooLargeException when the event exceeds the maximum size
	 * @throws dev.ssereplay.store.StoreUnavailableException when the event could not be stored
	 */
	public String publish(String stream, String eventName, Object data) {
		return this.publications.publish(stream, eventName, data);
	}

	/**
	 * Publishes an event.
	 * @param stream the stream name
	 * @param event the event
	 * @return the id assigned to the event
	 */
	public String publish(String stream, SseEvent event) {
		return this.publications.publish(stream, event);
	}

	/**
	 * Publishes data as a named event once, however often it is retried with the
	 * same idempotency key: while the store remembers the key (for its time to
	 * live, and as long as the stream is in the same lifetime), a publish with it
	 * stores nothing and returns the first event's id, even after the stream has
	 * ended. A client that got no answer, such as after a timeout, retries with
	 * the same key and can neither lose the event nor publish it twice. The key
	 * is compared, not the data. In memory a stream remembers at most as many
	 * keys as it keeps events.
	 * @param stream the stream name
	 * @param eventName the event name, or {@code null} for the default {@code message}
	 * @param data text, published verbatim, or a payload for the serializer
	 * @param key the idempotency key, such as a request's {@code Idempotency-Key}
	 * header
	 * @return the id of the event published with the key
	 * @throws dev.ssereplay.event.InvalidStreamNameException when the stream name is invalid
	 * @throws EventTooLargeException when the event exceeds the maximum size
	 * @throws dev.ssereplay.store.StoreUnavailableException when the event could not be stored
	 * @throws StreamCompletedException when the stream has ended and the key is new
	 */
	public String publish(String stream, String eventName, Object data, IdempotencyKey key) {
		return this.publications.publish(stream, eventName, data, key);
	}

	/**
	 * Publishes data as a named event without waiting for the store, so that one
	 * thread can have many events on their way to Redis at once; with the
	 * in-memory store the event is published at once. Events of a stream
	 * published one after another from one thread get their ids in that order,
	 * dense, as with {@link #publish(String, String, Object)}. With the Redis
	 * store this waits while {@code sse.replay.redis.max-in-flight-appends}
	 * events await Redis's answer, so a publisher faster than Redis is slowed to
	 * its pace; see {@link dev.ssereplay.store.redis.RedisReplayStore#appendAsync}
	 * for what a failure means for the events published after it.
	 * <p>
	 * The future completes on the store's thread (Lettuce's I/O thread for
	 * Redis): what depends on it must not block, so use the {@code ...Async}
	 * methods of {@link CompletableFuture} for work that may.
	 * @param stream the stream name
	 * @param eventName the event name, or {@code null} for the default {@code message}
	 * @param data text, published verbatim, or a payload for the serializer
	 * @return the id assigned to the event, or a future failed with
	 * {@link dev.ssereplay.store.StoreUnavailableException} when the event could
	 * not be stored, or {@link StreamCompletedException} when the stream has ended
	 * @throws dev.ssereplay.event.InvalidStreamNameException when the stream name is invalid
	 * @throws EventTooLargeException when the event exceeds the maximum size
	 */
	public CompletableFuture<String> publishAsync(String stream, String eventName, Object data) {
		return this.publications.publishAsync(stream, eventName, data);
	}

	/**
	 * Publishes without waiting for the store, as
	 * {@link #publishAsync(String, String, Object)} does, and once however often
	 * it is retried with the same idempotency key, as
	 * {@link #publish(String, String, Object, IdempotencyKey)} does.
	 * @param stream the stream name
	 * @param eventName the event name, or {@code null} for the default {@code message}
	 * @param data text, published verbatim, or a payload for the serializer
	 * @param key the idempotency key
	 * @return the id of the event published with the key, or a failed future as
	 * {@link #publishAsync(String, String, Object)} gives
	 */
	public CompletableFuture<String> publishAsync(String stream, String eventName, Object data, IdempotencyKey key) {
		return this.publications.publishAsync(stream, eventName, data, key);
	}

	/**
	 * Ends a stream: appends its final event (named by
	 * {@code sse.replay.complete-event}, data {@code {"reason":"completed"}}),
	 * after which every connection ends once it has received it, a client that
	 * reconnects with an id before it receives the rest and then the end, and a
	 * client with nothing left to receive gets {@code 204 No Content}. The
	 * history is kept for the store's time to live, so that late clients catch
	 * up; publishing fails with {@link StreamCompletedException} until it is
	 * gone.
	 * @param stream the stream name
	 * @return the id of the final event
	 * @throws StreamCompletedException when the stream has already ended
	 * @throws dev.ssereplay.store.StoreUnavailableException when the event could not be stored
	 */
	public String complete(String stream) {
		return complete(stream, null);
	}

	/**
	 * Ends a stream as {@link #complete(String)} does, keeping its history for
	 * the given time rather than the store's time to live.
	 * @param stream the stream name
	 * @param keepFor how long the history stays after the end, at most the
	 * store's time to live; {@code null} for the time to live
	 * @return the id of the final event
	 */
	public String complete(String stream, Duration keepFor) {
		return this.publications.complete(stream, keepFor);
	}

	/**
	 * Removes a stream's history at once and ends it for its connections, which
	 * receive the final event with reason {@code deleted}; clients that reconnect
	 * with an id of it get {@code 204 No Content}. The next publish starts the
	 * stream again, in a new epoch.
	 * @param stream the stream name
	 */
	public void delete(String stream) {
		this.publications.delete(stream);
	}

	/**
	 * Publishes every element of a source as an unnamed event, then completes the
	 * stream; see {@link #publishAll(String, String, Publisher)}.
	 * @param stream the stream name
	 * @param source the elements: text, or payloads for the serializer
	 * @return the running publication
	 */
	public Publication publishAll(String stream, Publisher<?> source) {
		return publishAll(stream, null, source);
	}

	/**
	 * Publishes every element of a source (a {@code Flux}, or any Reactive
	 * Streams publisher) as an event, in order, and completes the stream when the
	 * source completes: with reason {@code completed}, or {@code failed} and a
	 * short message when the source fails, or {@code cancelled} after
	 * {@link Publication#cancel()}. Elements are requested as they are stored, a
	 * few at a time. Neither this call nor the source's thread ever waits on the
	 * store: where an append can wait (Redis), elements are appended on a few
	 * publishing threads of the starter's; where it cannot (the in-memory store),
	 * on the thread that emitted them, which spares each a hand-off.
	 * @param stream the stream name
	 * @param eventName the name of every event, or {@code null} for
	 * {@code message}
	 * @param source the elements: text, or payloads for the serializer
	 * @return the running publication
	 */
	public Publication publishAll(String stream, String eventName, Publisher<?> source) {
		return this.publications.publishAll(stream, eventName, source);
	}

	private static HttpServletRequest currentRequest() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		return (attributes instanceof ServletRequestAttributes servlet) ? servlet.getRequest() : null;
	}

}
