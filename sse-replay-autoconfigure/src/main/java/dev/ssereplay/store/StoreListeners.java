package dev.ssereplay.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.ssereplay.event.StoredEvent;

/**
 * The listeners of an {@link InMemoryReplayStore}, told of every stored event in
 * the order they were added. A listener that throws is counted and logged, and the
 * others are still told.
 * <p>
 * Thread-safe; the store tells them after its lock is released.
 */
final class StoreListeners {

	// The store's own category, so that its warnings are configured in one place.
	private static final Logger logger = LoggerFactory.getLogger(InMemoryReplayStore.class);

	private final List<Consumer<StoredEvent>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong failures = new AtomicLong();

	void add(Consumer<StoredEvent> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Tells every listener of a stored event.
	 */
	void notifyOf(StoredEvent stored) {
		for (Consumer<StoredEvent> listener : this.listeners) {
			try {
				listener.accept(stored);
			}
			catch (RuntimeException ex) {
				this.failures.incrementAndGet();
				logger.warn("Listener failed for event {} of stream '{}'", stored.id(), stored.stream(), ex);
			}
		}
	}

	/**
	 * Returns how many times a listener threw.
	 */
	long failures() {
		return this.failures.get();
	}

}
