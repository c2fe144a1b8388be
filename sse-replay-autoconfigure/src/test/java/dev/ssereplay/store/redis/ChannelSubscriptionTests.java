package dev.ssereplay.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the channel subscriptions ask of their connection, with a connection
 * that records the calls: made ahead of the first subscription, subscribing
 * again after a failure, and after the connection was lost.
 */
class ChannelSubscriptionTests {

	private final RecordingConnection connection = new RecordingConnection();

	private final ChannelSubscription subscription = new ChannelSubscription(() -> this.connection,
			Duration.ofSeconds(5));

	@AfterEach
	void close() {
		this.subscription.close();
	}

	@Test
	void theConnectionIsMadeAheadOfTheFirstSubscriptionOnceAndWithoutSubscribing() {
		AtomicInteger made = new AtomicInteger();
		ChannelSubscription prepared = new ChannelSubscription(() -> {
			made.incrementAndGet();
			return this.connection;
		}, Duration.ofSeconds(5));
		try {
			prepared.prepareLater();
			await().atMost(Duration.ofSeconds(5)).until(() -> made.get() == 1);
			assertThat(this.connection.opened).isEmpty();
			prepared.prepareLater();
			prepared.subscribe("a", bytes("ch-a"));
			assertThat(made).hasValue(1);
			assertThat(this.connection.opened).hasSize(1);
		}
		finally {
			prepared.close();
		}
	}

	@Test
	void aConnectionThatCannotBeMadeAheadIsMadeByTheFirstSubscription() {
		AtomicInteger asked = new AtomicInteger();
		ChannelSubscription prepared = new ChannelSubscription(() -> {
			if (asked.incrementAndGet() == 1) {
				throw new IllegalStateException("Redis is down");
			}
			return this.connection;
		}, Duration.ofSeconds(5));
		try {
			prepared.prepareLater();
			await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() == 1);
			prepared.subscribe("a", bytes("ch-a"));
			assertThat(asked).hasValue(2);
			assertThat(this.connection.opened).hasSize(1);
		}
		finally {
			prepared.close();
		}
	}

	@Test
	void aResubscriptionThatFailsIsTriedAgainUntilItSucceeds() {
		this.subscription.subscribe("a", bytes("ch-a"));
		this.connection.resubscribeFailures.set(2);
		long start = System.nanoTime();
		this.subscription.resubscribeLater("a");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.connection.resubscribed.size() == 3);
		assertThat(this.connection.resubscribed).containsExactly("ch-a", "ch-a", "ch-a");
		// A second apart: the cluster's nodes are given time to agree.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
	}

	@Test
	void streamsAskedForTogetherAreSubscribedAgainInFewPassesNotOneEach() throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			this.subscription.subscribe("s" + i, bytes("ch-" + i));
		}
		for (int i = 0; i < 100; i++) {
			this.subscription.resubscribeLater("s" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.connection.resubscribed.size() == 100);
		Thread.sleep(200);
		assertThat(this.connection.resubscribed).hasSize(100).doesNotHaveDuplicates();
		// A pass takes every stream asked for until it runs: a failover that moves
		// thousands of channels reads the topology a few times, not once per channel.
		assertThat(this.connection.passes).hasSizeLessThanOrEqualTo(2);
	}

	@Test
	void aStreamLeftMeanwhileIsNotSubscribedAgain() throws InterruptedException {
		this.subscription.subscribe("a", bytes("ch-a"));
		this.subscription.subscribe("b", bytes("ch-b"));
		this.connection.resubscribeFailures.set(1);
		this.subscription.resubscribeLater("a");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.connection.resubscribed.size() == 1);
		this.subscription.unsubscribeUnless("b"::equals);
		Thread.sleep(1500);
		assertThat(this.connection.resubscribed).containsExactly("ch-a");
		assertThat(this.connection.left).containsExactly("ch-a");
	}

	@Test
	void aResubscriptionOnALostConnectionSubscribesEveryChannelOnANewOne() {
		this.subscription.subscribe("a", bytes("ch-a"));
		this.subscription.subscribe("b", bytes("ch-b"));
		this.connection.open.set(false);
		this.subscription.resubscribeLater("b");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.connection.opened.size() == 2);
		assertThat(this.connection.opened.get(1)).containsExactlyInAnyOrder("ch-a", "ch-b");
		assertThat(this.connection.resubscribed).isEmpty();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static final class RecordingConnection implements ChannelConnection {

		final AtomicBoolean open = new AtomicBoolean();

		final AtomicInteger resubscribeFailures = new AtomicInteger();

		final List<List<String>> opened = new CopyOnWriteArrayList<>();

		final List<String> resubscribed = new CopyOnWriteArrayList<>();

		// How many channels each resubscription carried.
		final List<Integer> passes = new CopyOnWriteArrayList<>();

		final List<String> left = new CopyOnWriteArrayList<>();

		@Override
		public boolean isOpen() {
			return this.open.get();
		}

		@Override
		public void open(List<byte[]> channels) {
			this.opened.add(channels.stream().map((channel) -> new String(channel, StandardCharsets.UTF_8)).toList());
			this.open.set(true);
		}

		@Override
		public void subscribe(byte[] channel) {
		}

		@Override
		public void resubscribe(List<byte[]> channels) {
			this.passes.add(channels.size());
			channels.forEach((channel) -> this.resubscribed.add(new String(channel, StandardCharsets.UTF_8)));
			if (this.resubscribeFailures.getAndDecrement() > 0) {
				throw new IllegalStateException("MOVED");
			}
		}

		@Override
		public void unsubscribe(List<byte[]> channels) {
			channels.forEach((channel) -> this.left.add(new String(channel, StandardCharsets.UTF_8)));
		}

		@Override
		public void close() {
			this.open.set(false);
		}

	}

}
