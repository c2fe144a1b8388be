package dev.ssereplay.broker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.ssereplay.event.Position;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@link SubscriptionListener}s are told when one of them is slow:
 * connections never wait for it, at most the listener queue depth of
 * notifications waits, and the rest are dropped, counted and logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class SubscriptionListenerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int QUEUE_DEPTH = 16;

	private static final String DROPPED_WARNING = "counted in sse.replay.listener.notifications.dropped";

	private final BlockingListener listener = new BlockingListener();

	private ElasticWriterPool writers;

	private Broker broker;

	@BeforeEach
	void start() {
		this.writers = new ElasticWriterPool(2, 16);
		this.broker = new Broker(new InMemoryReplayStore(1000, 1 << 24, Duration.ofHours(1)),
				BrokerOptions.builder()
					.heartbeatInterval(Duration.ZERO)
					.retry(null)
					.listenerQueueDepth(QUEUE_DEPTH)
					.build(),
				this.writers);
		this.broker.addSubscriptionListener(this.listener);
	}

	@AfterEach
	void stop() {
		this.listener.release();
		this.broker.close();
		this.writers.close();
	}

	@Test
	void aListenerThatBlocksHoldsBackAtMostItsQueueAndIsToldAgainOnceItCatchesUp(CapturedOutput output)
			throws Exception {
		this.broker.denied("first", Client.UNKNOWN);
		this.listener.awaitBlocked();
		for (int i = 0; i < QUEUE_DEPTH + 100; i++) {
			this.broker.denied("denied-" + i, Client.UNKNOWN);
		}
		assertThat(this.broker.pendingNotifications()).isEqualTo(QUEUE_DEPTH);
		assertThat(this.broker.statistics().getListenerNotificationsDropped()).isEqualTo(100);
		ExecutorService churn = Executors.newSingleThreadExecutor();
		try {
			// On a thread of its own, so that a caller made to wait fails the test.
			Future<Integer> mostPending = churn.submit(() -> startAndEnd(500));
			assertThat(mostPending.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(QUEUE_DEPTH);
		}
		finally {
			churn.shutdownNow();
		}
		// Every connection that ended was one more notification, and the queue was full.
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0
				&& this.broker.statistics().getListenerNotificationsDropped() >= 100 + 500);
		assertThat(this.broker.pendingNotifications()).isEqualTo(QUEUE_DEPTH);
		assertThat(output.toString().split(DROPPED_WARNING, -1)).hasSize(2);
		this.listener.release();
		await().atMost(WAIT).until(() -> this.broker.pendingNotifications() == 0
				&& this.listener.told.size() >= 1 + QUEUE_DEPTH);
		List<String> held = Stream
			.concat(Stream.of("first"), IntStream.range(0, QUEUE_DEPTH).mapToObj((i) -> "denied-" + i))
			.toList();
		assertThat(this.listener.streams().subList(0, 1 + QUEUE_DEPTH)).isEqualTo(held);
		assertThat(this.listener.streams()).doesNotContain("denied-" + QUEUE_DEPTH);
		Subscription later = this.broker.subscribe("later", Position.FRESH, null, new RecordingConnection());
		await().atMost(WAIT)
			.until(() -> this.listener.told.contains(new SubscriptionListener.Started("later", null, false, 0)));
		later.cancel();
		await().atMost(WAIT)
			.until(() -> this.listener.told.stream()
				.anyMatch((told) -> told instanceof SubscriptionListener.Ended ended && ended.stream().equals("later")
						&& ended.reason() == CloseReason.CANCELLED));
	}

	// Connections that start and end at once; returns the most notifications seen waiting.
	private int startAndEnd(int connections) {
		int mostPending = 0;
		for (int i = 0; i < connections; i++) {
			Subscription subscription = this.broker.subscribe("churn", Position.FRESH, null,
					new RecordingConnection());
			subscription.cancel();
			mostPending = Math.max(mostPending, this.broker.pendingNotifications());
		}
		return mostPending;
	}

	/**
	 * Records what it is told, and blocks in the first call until released.
	 */
	static final class BlockingListener implements SubscriptionListener {

		final List<Object> told = new CopyOnWriteArrayList<>();

		private final CountDownLatch blocked = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		@Override
		public void started(Started started) {
			told(started);
		}

		@Override
		public void ended(Ended ended) {
			told(ended);
		}

		private void told(Object notification) {
			this.told.add(notification);
			this.blocked.countDown();
			try {
				this.released.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void awaitBlocked() throws InterruptedException {
			assertThat(this.blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}

		void release() {
			this.released.countDown();
		}

		List<String> streams() {
			return this.told.stream()
				.map((told) -> (told instanceof Started started) ? started.stream() : ((Ended) told).stream())
				.toList();
		}

	}

}
