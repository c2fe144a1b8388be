package dev.ssereplay.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.event.InvalidEventException;
import dev.ssereplay.event.SseEvent;
import dev.ssereplay.event.StoredEvent;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What {@link Publications} checks before it appends, and the final events it
 * writes.
 */
class PublicationsTests {

	private final InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));

	private final Broker broker = new Broker(this.store, BrokerOptions.defaults(), Runnable::run);

	private final List<StoredEvent> appended = new CopyOnWriteArrayList<>();

	private final Publications publications = new Publications(this.broker, null, 4, "end");

	PublicationsTests() {
		this.store.addListener(this.appended::add);
	}

	@AfterEach
	void close() {
		this.broker.close();
	}

	@Test
	void anEventsSizeIsItsNameAndDataInUtf8Bytes() {
		// Two chars, four bytes: one code point outside the BMP.
		this.publications.publish("s", new SseEvent(null, "\uD83D\uDE00"));
		this.publications.publish("s", new SseEvent("ab", "cd"));
		assertTooLarge(new SseEvent(null, "\u00E9\u20AC"), 5);
		assertTooLarge(new SseEvent("abc", "de"), 5);
		// An unpaired surrogate is written as three bytes.
		assertTooLarge(new SseEvent(null, "\uD83Dab"), 5);
		assertThat(this.appended).hasSize(2);
	}

	@Test
	void anAsyncPublishIsCheckedBeforeItIsAppended() {
		assertThatExceptionOfType(EventTooLargeException.class)
			.isThrownBy(() -> this.publications.publishAsync("s", null, "12345"));
		assertThat(this.appended).isEmpty();
	}

	@Test
	void onlyTextIsPublishedWithoutASerializer() {
		assertThatExceptionOfType(InvalidEventException.class)
			.isThrownBy(() -> this.publications.publish("s", null, null));
		assertThatIllegalStateException().isThrownBy(() -> this.publications.publish("s", null, 1))
			.withMessageContaining("No PayloadSerializer to publish a java.lang.Integer");
		assertThat(this.publications.publish("s", null, new StringBuilder("ok"))).endsWith("-1");
	}

	@Test
	void theFinalEventIsNamedAsConfiguredAndSaysWhy() {
		this.publications.publish("completed", null, "a");
		String id = this.publications.complete("completed", null);
		assertThat(frame(this.appended.get(1)))
			.isEqualTo("id: " + id + "\nevent: end\ndata: {\"reason\":\"completed\"}\n\n");
		this.publications.publish("deleted", null, "a");
		this.publications.delete("deleted");
		assertThat(frame(this.appended.get(3))).contains("event: end\ndata: {\"reason\":\"deleted\"}\n\n");
	}

	@Test
	void aFailedSourceEndsItsStreamWithItsMessageOnOneLineAndCutShort() throws Exception {
		Publications publications = new Publications(this.broker, null, 1024, "end");
		String message = "first\r\nsecond " + "x".repeat(300);
		Publication publication = publications.publishAll("s", null, failing(new IllegalStateException(message)));
		String id = publication.whenEnded().toCompletableFuture().get(10, TimeUnit.SECONDS);
		String expected = ("first  second " + "x".repeat(300)).substring(0, 200) + "...";
		assertThat(frame(this.appended.get(0))).isEqualTo(
				"id: " + id + "\nevent: end\ndata: {\"reason\":\"failed\",\"message\":\"" + expected + "\"}\n\n");
	}

	@Test
	void aFailureWithoutAMessageIsNamedByItsType() throws Exception {
		Publications publications = new Publications(this.broker, null, 1024, "end");
		Publication publication = publications.publishAll("s", null, failing(new IllegalStateException()));
		publication.whenEnded().toCompletableFuture().get(10, TimeUnit.SECONDS);
		assertThat(frame(this.appended.get(0))).contains("\"message\":\"IllegalStateException\"");
	}

	private void assertTooLarge(SseEvent event, long size) {
		assertThatExceptionOfType(EventTooLargeException.class)
			.isThrownBy(() -> this.publications.publish("s", event))
			.satisfies((ex) -> assertThat(ex.getSize()).isEqualTo(size));
	}

	private static Publisher<Object> failing(RuntimeException failure) {
		return (subscriber) -> {
			subscriber.onSubscribe(new Subscription() {

				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
				}

			});
			subscriber.onError(failure);
		};
	}

	private static String frame(StoredEvent event) {
		return new String(event.frame(), StandardCharsets.UTF_8);
	}

}
