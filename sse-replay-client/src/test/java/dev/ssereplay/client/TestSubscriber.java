package dev.ssereplay.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Flow.Subscriber} that requests only when told, records what it gets, and
 * counts any breach of the rules it can see: a signal before {@code onSubscribe}, more
 * items than requested, a signal after a terminal one.
 */
final class TestSubscriber implements Flow.Subscriber<SseEvent> {

	final List<SseEvent> items = new CopyOnWriteArrayList<>();

	final AtomicReference<Throwable> error = new AtomicReference<>();

	final CountDownLatch terminated = new CountDownLatch(1);

	final AtomicInteger completions = new AtomicInteger();

	final AtomicInteger violations = new AtomicInteger();

	private final AtomicLong outstanding = new AtomicLong();

	private final long initialRequest;

	private volatile Flow.Subscription subscription;

	private volatile boolean done;

	TestSubscriber(long initialRequest) {
		this.initialRequest = initialRequest;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		if (this.subscription != null) {
			this.violations.incrementAndGet();
		}
		this.subscription = subscription;
		if (this.initialRequest > 0) {
			request(this.initialRequest);
		}
	}

	@Override
	public void onNext(SseEvent item) {
		check();
		if (this.outstanding.getAndDecrement() <= 0) {
			this.violations.incrementAndGet();
		}
		this.items.add(item);
	}

	@Override
	public void onError(Throwable throwable) {
		check();
		this.done = true;
		this.error.set(throwable);
		this.terminated.countDown();
	}

	@Override
	public void onComplete() {
		check();
		this.done = true;
		this.completions.incrementAndGet();
		this.terminated.countDown();
	}

	void request(long n) {
		this.outstanding.accumulateAndGet(n, (a, b) -> (a + b < 0) ? Long.MAX_VALUE : a + b);
		this.subscription.request(n);
	}

	void cancel() {
		this.subscription.cancel();
	}

	Flow.Subscription subscription() {
		return this.subscription;
	}

	List<String> data() {
		return this.items.stream().map(SseEvent::data).toList();
	}

	private void check() {
		if (this.subscription == null || this.done) {
			this.violations.incrementAndGet();
		}
	}

}
