package dev.ssereplay.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The subscribers of each stream in this process. A stream with no subscriber
 * takes no entry.
 * <p>
 * Thread-safe. A stream's subscribers are kept in a copy-on-write array, so that
 * reading them (every dispatch) takes one volatile read and no lock; adding and
 * removing one copies the array inside the map's per-key lock.
 */
final class StreamSubscribers {

	private static final Subscriber[] NONE = new Subscriber[0];

	private final Map<String, Subscriber[]> streams = new ConcurrentHashMap<>();

	/**
	 * Adds a subscriber to its stream.
	 * @param subscriber the subscriber
	 */
	void add(Subscriber subscriber) {
		this.streams.compute(subscriber.stream(), (key, current) -> {
			Subscriber[] present = (current != null) ? current : NONE;
			Subscriber[] grown = Arrays.copyOf(present, present.length + 1);
			grown[present.length] = subscriber;
			return grown;
		});
	}

	/**
	 * Removes a subscriber from its stream, and the stream once it has none.
	 * @param subscriber the subscriber
	 * @return {@code true} for the call that removed it
	 */
	boolean remove(Subscriber subscriber) {
		boolean[] removed = new boolean[1];
		this.streams.computeIfPresent(subscriber.stream(), (key, current) -> {
			int index = Arrays.asList(current).indexOf(subscriber);
			if (index < 0) {
				return current;
			}
			removed[0] = true;
			if (current.length == 1) {
				return null;
			}
			Subscriber[] shrunk = new Subscriber[current.length - 1];
			System.arraycopy(current, 0, shrunk, 0, index);
			System.arraycopy(current, index + 1, shrunk, index, current.length - index - 1);
			return shrunk;
		});
		return removed[0];
	}

	/**
	 * Returns the subscribers of a stream; the array is never changed, and must
	 * not be.
	 * @param stream the stream name
	 * @return the subscribers, empty when there are none
	 */
	Subscriber[] of(String stream) {
		Subscriber[] subscribers = this.streams.get(stream);
		return (subscribers != null) ? subscribers : NONE;
	}

	/**
	 * Whether a stream has subscribers.
	 * @param stream the stream name
	 * @return {@code true} when it has at least one
	 */
	boolean has(String stream) {
		return this.streams.containsKey(stream);
	}

	/**
	 * Returns the number of streams with subscribers.
	 * @return streams
	 */
	int streamCount() {
		return this.streams.size();
	}

	/**
	 * Passes every subscriber to an action. Subscribers added or removed meanwhile
	 * may be missed or seen.
	 * @param action what to do with each; it must not add or remove subscribers
	 */
	void forEach(Consumer<Subscriber> action) {
		for (Subscriber[] subscribers : this.streams.values()) {
			for (Subscriber subscriber : subscribers) {
				action.accept(subscriber);
			}
		}
	}

	/**
	 * Returns every subscriber, copied, for an action that removes them.
	 * @return the subscribers of every stream
	 */
	List<Subscriber> all() {
		List<Subscriber> all = new ArrayList<>();
		this.streams.values().forEach((subscribers) -> all.addAll(Arrays.asList(subscribers)));
		return all;
	}

}
