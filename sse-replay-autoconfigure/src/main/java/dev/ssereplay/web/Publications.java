package dev.ssereplay.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.reactivestreams.Publisher;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.Callback;
import dev.ssereplay.event.EndReason;
import dev.ssereplay.event.EventId;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.event.InvalidEventException;
import dev.ssereplay.event.PayloadSerializer;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.SseFormat;
import dev.ssereplay.event.StreamNames;

/**
 * The publishing side of {@link SseReplay}: turns data into events, checks their
 * size, appends them through the broker, ends and deletes streams, and keeps the
 * sources being published to each stream so that deleting it stops them.
 * <p>
 * Thread-safe.
 */
final class Publications {

	private static final int MAX_FAILURE_MESSAGE = 200;

	private final Broker broker;

	private final PayloadSerializer serializer;

	private final long maxEventSize;

	private final String completeEventName;

	// The sources being published, by stream, so that a delete can stop them.
	private final Map<String, Set<SourcePublication>> running = new ConcurrentHashMap<>();

	/**
	 * Creates the publishing side.
	 * @param broker the broker events are published through
	 * @param serializer how typed payloads become data, or {@code null} to accept
	 * text only
	 * @param maxEventSize the most bytes of UTF-8 an event's name and data may take
	 * @param completeEventName the name of a stream's final event
	 */
	Publications(Broker broker, PayloadSerializer serializer, long maxEventSize, String completeEventName) {
		this.broker = broker;
		this.serializer = serializer;
		this.maxEventSize = maxEventSize;
		this.completeEventName = completeEventName;
	}

	String publish(String stream, String eventName, Object data) {
		return publish(stream, new SseEvent(eventName, text(stream, data)));
	}

	String publish(String stream, SseEvent event) {
		check(stream, event);
		return this.broker.publish(stream, event).id().toString();
	}

	String publish(String stream, String eventName, Object data, IdempotencyKey key) {
		Objects.requireNonNull(key, "key");
		SseEvent event = new SseEvent(eventName, text(stream, data));
		check(stream, event);
		return this.broker.publish(stream, event, key).toString();
	}

	CompletableFuture<String> publishAsync(String stream, String eventName, Object data, IdempotencyKey key) {
		Objects.requireNonNull(key, "key");
		SseEvent event = new SseEvent(eventName, text(stream, data));
		check(stream, event);
		return this.broker.publishAsync(stream, event, key).thenApply(EventId::toString);
	}

	CompletableFuture<String> publishAsync(String stream, String eventName, Object data) {
		SseEvent event = new SseEvent(eventName, text(stream, data));
		check(stream, event);
		CompletableFuture<String> id = new CompletableFuture<>();
		this.broker.publishAsync(stream, event).whenComplete((stored, failure) -> {
			if (failure != null) {
				id.completeExceptionally(failure);
			}
			else {
				id.complete(stored.id().toString());
			}
		});
		return id;
	}

	// Text is published verbatim; anything else goes through the serializer.
	private String text(String stream, Object data) {
		if (data == null) {
			throw new InvalidEventException("Event data must not be null; publish \"\" for an event without data");
		}
		if (data instanceof CharSequence text) {
			return text.toString();
		}
		if (this.serializer == null) {
			throw new IllegalStateException("No PayloadSerializer to publish a " + data.getClass().getName()
					+ "; publish text or define a PayloadSerializer bean");
		}
		try {
			return this.serializer.serialize(data);
		}
		catch (RuntimeException ex) {
			this.broker.callbackFailed(Callback.SERIALIZER, stream, ex);
			throw ex;
		}
	}

	private void check(String stream, SseEvent event) {
		StreamNames.check(stream);
		long size = utf8Length(event.data()) + ((event.name() != null) ? utf8Length(event.name()) : 0);
		if (size > this.maxEventSize) {
			throw new EventTooLargeException(size, this.maxEventSize);
		}
	}

	// The bytes the text takes in UTF-8, without encoding it.
	private static long utf8Length(String text) {
		long length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				length++;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				length += 4;
				i++;
			}
			else {
				length += 3;
			}
		}
		return length;
	}

	String complete(String stream, Duration keepFor) {
		return end(stream, EndReason.COMPLETED, null, keepFor);
	}

	void delete(String stream) {
		StreamNames.check(stream);
		// A source still publishing would start the stream again: stop it first.
		Set<SourcePublication> publishing = this.running.getOrDefault(stream, Set.of());
		List<SourcePublication> stopped = new ArrayList<>(publishing);
		for (SourcePublication publication : stopped) {
			publication.stopForDeletion();
		}
		this.broker.delete(stream, finalEvent(EndReason.DELETED, null));
	}

	Publication publishAll(String stream, String eventName, Publisher<?> source) {
		StreamNames.check(stream);
		if (eventName != null) {
			SseFormat.checkField("event", eventName);
		}
		SourcePublication[] holder = new SourcePublication[1];
		SourcePublication publication = new SourcePublication(stream, new SourcePublication.Target() {

			@Override
			public String append(Object element) {
				return publish(stream, eventName, element);
			}

			@Override
			public String end(EndReason reason, String message) {
				return Publications.this.end(stream, reason, message, null);
			}

		}, PublishingThreads.EXECUTOR, !this.broker.publishMayWait(), Publications::failureMessage,
				() -> forget(stream, holder[0]));
		holder[0] = publication;
		this.running.computeIfAbsent(stream, (key) -> ConcurrentHashMap.newKeySet()).add(publication);
		source.subscribe(publication);
		return publication;
	}

	private void forget(String stream, SourcePublication publication) {
		this.running.computeIfPresent(stream, (key, publications) -> {
			publications.remove(publication);
			return publications.isEmpty() ? null : publications;
		});
	}

	private String end(String stream, EndReason reason, String message, Duration keepFor) {
		StreamNames.check(stream);
		return this.broker.complete(stream, finalEvent(reason, message), keepFor).id().toString();
	}

	private SseEvent finalEvent(EndReason reason, String message) {
		StringBuilder data = new StringBuilder("{\"reason\":\"").append(reason.tag()).append('"');
		if (message != null) {
			data.append(",\"message\":\"");
			Json.escape(message, data);
			data.append('"');
		}
		return new SseEvent(this.completeEventName, data.append('}').toString());
	}

	// What a failed source's final event says: the failure's message, cut short,
	// never its stack trace.
	private static String failureMessage(Throwable failure) {
		String message = failure.getMessage();
		if (message == null || message.isBlank()) {
			message = failure.getClass().getSimpleName();
		}
		message = message.replace('\r', ' ').replace('\n', ' ');
		return (message.length() > MAX_FAILURE_MESSAGE) ? message.substring(0, MAX_FAILURE_MESSAGE) + "..." : message;
	}

}
