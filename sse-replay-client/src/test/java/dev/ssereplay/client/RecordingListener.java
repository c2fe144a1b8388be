package dev.ssereplay.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every callback, and checks that callbacks never overlap.
 */
final class RecordingListener implements SseListener {

	final List<SseEvent> events = new CopyOnWriteArrayList<>();

	final List<SseEvent> resyncs = new CopyOnWriteArrayList<>();

	final List<Throwable> errors = new CopyOnWriteArrayList<>();

	final List<List<String>> unsendableIds = new CopyOnWriteArrayList<>();

	final AtomicInteger opens = new AtomicInteger();

	final AtomicInteger closes = new AtomicInteger();

	final AtomicInteger overlaps = new AtomicInteger();

	private final AtomicInteger inside = new AtomicInteger();

	@Override
	public void onEvent(SseEvent event) {
		enter();
		this.events.add(event);
		leave();
	}

	@Override
	public void onResync(SseEvent event) {
		enter();
		this.resyncs.add(event);
		leave();
	}

	@Override
	public void onOpen() {
		enter();
		this.opens.incrementAndGet();
		leave();
	}

	@Override
	public void onUnsendableId(String id, String lastEventId) {
		enter();
		this.unsendableIds.add(List.of(id, lastEventId));
		leave();
	}

	@Override
	public void onError(Throwable error) {
		enter();
		this.errors.add(error);
		leave();
	}

	@Override
	public void onClosed() {
		enter();
		this.closes.incrementAndGet();
		leave();
	}

	List<String> data() {
		return this.events.stream().map(SseEvent::data).toList();
	}

	private void enter() {
		if (this.inside.incrementAndGet() != 1) {
			this.overlaps.incrementAndGet();
		}
	}

	private void leave() {
		this.inside.decrementAndGet();
	}

}
