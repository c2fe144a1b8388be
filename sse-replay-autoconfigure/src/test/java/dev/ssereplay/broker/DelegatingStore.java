package dev.ssereplay.broker;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.ReadResult;
import dev.ssereplay.store.ReplayStore;

/**
 * A store that passes every call to another, for tests that change how one
 * call behaves: a lost live message, a slow read.
 */
abstract class DelegatingStore implements ReplayStore {

	private final ReplayStore delegate;

	DelegatingStore(ReplayStore delegate) {
		this.delegate = delegate;
	}

	@Override
	public StoredEvent append(String stream, SseEvent event) {
		return this.delegate.append(stream, event);
	}

	@Override
	public EventId head(String stream) {
		return this.delegate.head(stream);
	}

	@Override
	public ReadResult readAfter(String stream, EventId after, int limit) {
		return this.delegate.readAfter(stream, after, limit);
	}

	@Override
	public CompletableFuture<ReadResult> readAfterAsync(String stream, EventId after, int limit) {
		return this.delegate.readAfterAsync(stream, after, limit);
	}

	@Override
	public void addListener(Consumer<StoredEvent> listener) {
		this.delegate.addListener(listener);
	}

	@Override
	public long eventCount() {
		return this.delegate.eventCount();
	}

	@Override
	public long byteCount() {
		return this.delegate.byteCount();
	}

}
