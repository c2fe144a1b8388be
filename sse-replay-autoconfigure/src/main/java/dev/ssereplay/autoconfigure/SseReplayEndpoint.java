package dev.ssereplay.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.event.EventId;
import dev.ssereplay.event.StreamNames;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.store.StreamPage;
import dev.ssereplay.store.StreamSummary;
import dev.ssereplay.store.redis.RedisReplayStore;
import dev.ssereplay.web.SseReplay;

/**
 * The operator's view of sse-replay, {@code /actuator/ssereplay}: the store's
 * totals and the streams it holds, a page at a time, with their connections in
 * this instance, head, retained events and bytes and whether they ended; one
 * stream at {@code /actuator/ssereplay/{stream}}, which a {@code DELETE} deletes
 * as {@link SseReplay#delete(String)} does.
 * <p>
 * Stream names appear here and nowhere in metrics. Like every endpoint it is
 * exposed only when listed in {@code management.endpoints.web.exposure.include};
 * {@code management.endpoint.ssereplay.access=read-only} keeps the delete
 * operation off.
 */
@Endpoint(id = "ssereplay")
public class SseReplayEndpoint {

	static final int DEFAULT_PAGE = 100;

	static final int MAX_PAGE = 1000;

	private final ReplayStore store;

	private final Broker broker;

	private final SseReplay sseReplay;

	/**
	 * Creates the endpoint.
	 * @param store the replay store
	 * @param broker the broker, for connection counts
	 * @param sseReplay the entry point, for deletes
	 */
	public SseReplayEndpoint(ReplayStore store, Broker broker, SseReplay sseReplay) {
		this.store = store;
		this.broker = broker;
		this.sseReplay = sseReplay;
	}

	/**
	 * Lists streams, a page at a time.
	 * @param from the previous page's {@code next}, or none for the first page
	 * @param limit the most streams in the page, 100 by default, at most 1000
	 * @return the store's totals and a page of streams
	 */
	@ReadOperation
	public StreamsDescriptor streams(@Nullable String from, @Nullable Integer limit) {
		int size = (limit == null) ? DEFAULT_PAGE : Math.max(1, Math.min(MAX_PAGE, limit));
		StreamPage page = this.store.streams(from, size);
		List<StreamDescriptor> streams = new ArrayList<>(page.streams().size());
		for (StreamSummary summary : page.streams()) {
			streams.add(describe(summary));
		}
		return new StreamsDescriptor(new StoreDescriptor(storeType(),
				this.store.eventCount(), this.store.byteCount()), this.broker.connectionCount(),
				this.broker.streamCount(), streams, page.next());
	}

	/**
	 * Describes one stream.
	 * @param stream the stream name
	 * @return the stream, or {@code null} (404) when the store holds nothing of it
	 */
	@ReadOperation
	public @Nullable StreamDescriptor stream(@Selector String stream) {
		if (!StreamNames.isValid(stream)) {
			return null;
		}
		StreamSummary summary = this.store.summary(stream);
		return (summary != null) ? describe(summary) : null;
	}

	/**
	 * Deletes a stream: its history is removed and its connections end with the
	 * final event, reason {@code deleted}.
	 * @param stream the stream name
	 */
	@DeleteOperation
	public void delete(@Selector String stream) {
		this.sseReplay.delete(stream);
	}

	// The name sse.replay.store.type gives the store, or its class for another.
	private String storeType() {
		if (this.store instanceof InMemoryReplayStore) {
			return "in-memory";
		}
		if (this.store instanceof RedisReplayStore) {
			return "redis";
		}
		return this.store.getClass().getName();
	}

	private StreamDescriptor describe(StreamSummary summary) {
		EventId end = summary.status().end();
		return new StreamDescriptor(summary.stream(), this.broker.connectionCount(summary.stream()),
				summary.head().toString(), summary.events(), summary.bytes(), summary.status().hasEnded(),
				(end != null) ? end.toString() : null, summary.status().deleted());
	}

	/**
	 * The answer to a listing.
	 *
	 * @param store the store's totals
	 * @param connections connections open in this instance
	 * @param streamsWithConnections streams with connections in this instance
	 * @param streams the page of streams
	 * @param next where the following page starts ({@code ?from=}), {@code null}
	 * after the last page
	 */
	public record StreamsDescriptor(StoreDescriptor store, int connections, int streamsWithConnections,
			List<StreamDescriptor> streams, @Nullable String next) {
	}

	/**
	 * The store's totals.
	 *
	 * @param type {@code in-memory}, {@code redis}, or the class of another store
	 * @param events events retained by this instance, -1 when the store does not
	 * know (Redis)
	 * @param bytes what they take, -1 when the store does not know
	 */
	public record StoreDescriptor(String type, long events, long bytes) {
	}

	/**
	 * One stream.
	 *
	 * @param name the stream name
	 * @param connections its connections in this instance
	 * @param head the id of its newest event
	 * @param events events retained
	 * @param bytes what they take, -1 when the store does not know (Redis)
	 * @param ended whether the stream has ended
	 * @param end the id of the final event, when it has ended
	 * @param deleted whether its history was deleted
	 */
	public record StreamDescriptor(String name, int connections, String head, long events, long bytes, boolean ended,
			@Nullable String end, boolean deleted) {
	}

}
