package dev.ssereplay.web;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.broker.Callback;
import dev.ssereplay.store.InMemoryReplayStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A serializer that throws fails that publish, is counted, and leaves the next
 * publish alone.
 */
class CallbackFailureTests {

	private final InMemoryReplayStore store = new InMemoryReplayStore(100, 1 << 20, Duration.ofHours(1));

	private final Broker broker = new Broker(this.store, BrokerOptions.defaults(), Runnable::run);

	@AfterEach
	void close() {
		this.broker.close();
	}

	@Test
	void aSerializerThatThrowsFailsThatPublishAndIsCounted() {
		SseReplay sseReplay = new SseReplay(this.broker, (payload) -> {
			throw new IllegalStateException("cannot serialize");
		}, Duration.ZERO, 1024);
		assertThatIllegalStateException().isThrownBy(() -> sseReplay.publish("s", new Object()))
			.withMessage("cannot serialize");
		assertThat(this.broker.statistics().getCallbackFailures(Callback.SERIALIZER)).isEqualTo(1);
		assertThat(sseReplay.publish("s", "text")).endsWith("-1");
	}

}
