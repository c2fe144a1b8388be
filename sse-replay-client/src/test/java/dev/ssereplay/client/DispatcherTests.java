package dev.ssereplay.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Flow} rules that the client keeps for its subscribers, and the
 * serialization of callbacks.
 */
class DispatcherTests {

	private final RecordingListener listener = new RecordingListener();

	private final Dispatcher dispatcher = new Dispatcher(this.listener, "");

	@Test
	void deliversNoMoreThanRequestedAndKeepsTheRestInOrder() {
		TestSubscriber subscriber = new TestSubscriber(2);
		this.dispatcher.subscribe(subscriber);
		publish(5);
		assertThat(subscriber.data()).containsExactly("0", "1");
		subscriber.request(1);
		assertThat(subscriber.data()).containsExactly("0", "1", "2");
		subscriber.request(Long.MAX_VALUE);
		subscriber.request(Long.MAX_VALUE);
		publish(1);
		assertThat(subscriber.data()).containsExactly("0", "1", "2", "3", "4", "0");
		assertThat(this.listener.data()).containsExactly("0", "1", "2", "3", "4", "0");
		assertThat(subscriber.violations).hasValue(0);
	}

	@Test
	void subscriberGetsOnlyEventsAfterItSubscribed() {
		publish(2);
		TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
		this.dispatcher.subscribe(subscriber);
		publish(1);
		assertThat(subscriber.data()).containsExactly("0");
	}

	@Test
	void nonPositiveRequestIsAnIllegalArgument() {
		TestSubscriber subscriber = new TestSubscriber(0);
		this.dispatcher.subscribe(subscriber);
		subscriber.subscription().request(0);
		assertThat(subscriber.error.get()).isInstanceOf(IllegalArgumentException.class);
		publish(1);
		assertThat(subscriber.items).isEmpty();
		subscriber.subscription().request(-1);
		assertThat(subscriber.violations).hasValue(0);
	}

	@Test
	void sameSubscriberTwiceIsRefused() {
		TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
		this.dispatcher.subscribe(subscriber);
		this.dispatcher.subscribe(subscriber);
		assertThat(subscriber.error.get()).isInstanceOf(IllegalStateException.class);
		publish(1);
		assertThat(subscriber.items).isEmpty();
	}

	@Test
	void cancelStopsDeliveryAtOnceEvenFromOnNext() {
		AtomicInteger received = new AtomicInteger();
		this.dispatcher.subscribe(new Flow.Subscriber<SseEvent>() {

			private Flow.Subscription subscription;

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				this.subscription = subscription;
				subscription.request(10);
			}

			@Override
			public void onNext(SseEvent item) {
				received.incrementAndGet();
				this.subscription.cancel();
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}

		});
		publish(5);
		assertThat(received).hasValue(1);
	}

	@Test
	void requestFromOnNextDoesNotRecurse() {
		int count = 100_000;
		AtomicInteger received = new AtomicInteger();
		Dispatcher dispatcher = new Dispatcher((event) -> {
		}, "");
		dispatcher.subscribe(new Flow.Subscriber<SseEvent>() {

			private Flow.Subscription subscription;

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				this.subscription = subscription;
				subscription.request(1);
			}

			@Override
			public void onNext(SseEvent item) {
				received.incrementAndGet();
				this.subscription.request(1);
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}

		});
		for (int i = 0; i < count; i++) {
			dispatcher.offerBlock("", new SseEvent("", "message", "x"), false);
		}
		// One drain hands out all of them, each onNext asking for the next one.
		dispatcher.drain();
		assertThat(received).hasValue(count);
	}

	@Test
	void closeCompletesSubscribersDroppingWhatTheyDidNotTake() {
		TestSubscriber subscriber = new TestSubscriber(1);
		this.dispatcher.subscribe(subscriber);
		publish(3);
		this.dispatcher.offerTerminal(null, true);
		this.dispatcher.drain();
		assertThat(subscriber.completions).hasValue(1);
		assertThat(subscriber.data()).containsExactly("0");
		assertThat(this.listener.closes).hasValue(1);
		publish(1);
		assertThat(this.listener.data()).containsExactly("0", "1", "2");
		TestSubscriber late = new TestSubscriber(0);
		this.dispatcher.subscribe(late);
		assertThat(late.completions).hasValue(1);
		assertThat(late.violations).hasValue(0);
	}

	@Test
	void anEndFromTheServerDeliversWhatIsPendingFirst() {
		TestSubscriber subscriber = new TestSubscriber(1);
		this.dispatcher.subscribe(subscriber);
		publish(3);
		SseResponseException failure = new SseResponseException(403, null);
		this.dispatcher.offerTerminal(failure, false);
		this.dispatcher.drain();
		assertThat(subscriber.error.get()).isNull();
		subscriber.request(2);
		assertThat(subscriber.data()).containsExactly("0", "1", "2");
		assertThat(subscriber.error.get()).isSameAs(failure);
		assertThat(subscriber.violations).hasValue(0);
	}

	@Test
	void aSubscriberThatThrowsIsCancelledAndTheOthersGoOn() {
		TestSubscriber healthy = new TestSubscriber(Long.MAX_VALUE);
		this.dispatcher.subscribe(new Flow.Subscriber<SseEvent>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(SseEvent item) {
				throw new IllegalStateException("boom");
			}

			@Override
			public void onError(Throwable throwable) {
			}

			@Override
			public void onComplete() {
			}

		});
		this.dispatcher.subscribe(healthy);
		publish(3);
		assertThat(healthy.data()).containsExactly("0", "1", "2");
	}

	@Test
	void aListenerThatThrowsDoesNotStopDelivery() {
		AtomicInteger calls = new AtomicInteger();
		Dispatcher dispatcher = new Dispatcher((event) -> {
			calls.incrementAndGet();
			throw new IllegalStateException("boom");
		}, "");
		for (int i = 0; i < 3; i++) {
			dispatcher.offerBlock("", new SseEvent("", "message", "x"), false);
		}
		dispatcher.drain();
		assertThat(calls).hasValue(3);
	}

	@Test
	void callbacksNeverOverlapWhateverThreadOffers() throws Exception {
		TestSubscriber subscriber = new TestSubscriber(Long.MAX_VALUE);
		this.dispatcher.subscribe(subscriber);
		int threads = 4;
		int perThread = 5000;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			for (int t = 0; t < threads; t++) {
				executor.execute(() -> {
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					for (int i = 0; i < perThread; i++) {
						this.dispatcher.submit(() -> {
						});
						this.dispatcher.offerBlock("", new SseEvent("", "message", "x"), false);
						this.dispatcher.drain();
					}
				});
			}
			start.countDown();
		}
		finally {
			executor.shutdown();
			assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.listener.events).hasSize(threads * perThread);
		assertThat(subscriber.items).hasSize(threads * perThread);
		assertThat(this.listener.overlaps).hasValue(0);
		assertThat(subscriber.violations).hasValue(0);
	}

	@Test
	void thePositionFollowsTheSlowestSubscriberIdOnlyBlocksIncluded() {
		TestSubscriber fast = new TestSubscriber(Long.MAX_VALUE);
		TestSubscriber slow = new TestSubscriber(1);
		this.dispatcher.subscribe(fast);
		this.dispatcher.subscribe(slow);
		block("1", "a");
		block("2", "b");
		block("3", null);
		this.dispatcher.drain();
		assertThat(fast.data()).containsExactly("a", "b");
		assertThat(this.listener.data()).containsExactly("a", "b");
		assertThat(this.dispatcher.lastEventId()).isEqualTo("1");
		slow.request(1);
		assertThat(this.dispatcher.lastEventId()).isEqualTo("3");
	}

	@Test
	void aSubscriberThatCancelsNoLongerHoldsThePositionBack() {
		TestSubscriber slow = new TestSubscriber(0);
		this.dispatcher.subscribe(slow);
		block("1", "a");
		block("2", "b");
		this.dispatcher.drain();
		assertThat(this.dispatcher.lastEventId()).isEmpty();
		slow.cancel();
		assertThat(this.dispatcher.lastEventId()).isEqualTo("2");
	}

	@Test
	void closeLeavesThePositionAtTheLastEventHandedOver() {
		TestSubscriber subscriber = new TestSubscriber(1);
		this.dispatcher.subscribe(subscriber);
		block("1", "a");
		block("2", "b");
		block("3", null);
		this.dispatcher.drain();
		this.dispatcher.offerTerminal(null, true);
		block("4", "d");
		this.dispatcher.drain();
		assertThat(subscriber.completions).hasValue(1);
		assertThat(this.dispatcher.lastEventId()).isEqualTo("1");
	}

	@Test
	void theListenerReadsThePositionOfTheEventItIsHanded() {
		List<String> positions = new ArrayList<>();
		Dispatcher[] dispatcher = new Dispatcher[1];
		dispatcher[0] = new Dispatcher((event) -> positions.add(dispatcher[0].lastEventId()), "0");
		assertThat(dispatcher[0].lastEventId()).isEqualTo("0");
		dispatcher[0].offerBlock("1", new SseEvent("1", "message", "a"), false);
		dispatcher[0].offerBlock("1", new SseEvent("1", "message", "b"), false);
		dispatcher[0].offerBlock("2", null, false);
		dispatcher[0].offerBlock("3", new SseEvent("3", "message", "c"), false);
		dispatcher[0].drain();
		assertThat(positions).containsExactly("1", "1", "3");
	}

	private void block(String id, String data) {
		this.dispatcher.offerBlock(id, (data != null) ? new SseEvent(id, "message", data) : null, false);
	}

	private void publish(int count) {
		for (int i = 0; i < count; i++) {
			this.dispatcher.offerBlock("", new SseEvent("", "message", Integer.toString(i)), false);
		}
		this.dispatcher.drain();
	}

}
