package dev.ssereplay.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.ssereplay.event.EventId;
import dev.ssereplay.event.Position;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one connection tells the subscription listeners. Without threads: the
 * lifecycle is a list.
 */
class LifecycleReportTests {

	private final List<Object> told = new ArrayList<>();

	private final SubscriberContext.Lifecycle lifecycle = new SubscriberContext.Lifecycle() {

		@Override
		public void started(SubscriptionListener.Started started) {
			LifecycleReportTests.this.told.add(started);
		}

		@Override
		public void ended(SubscriptionListener.Ended ended) {
			LifecycleReportTests.this.told.add(ended);
		}

	};

	@Test
	void reportsTheStartOnceWithWhatWasReplayedBeforeIt() {
		LifecycleReport report = new LifecycleReport(this.lifecycle, "s", new Client("10.0.0.1", "alice"),
				Position.after(EventId.parse("1-5")));
		report.written(batch(2, 0));
		report.caughtUp();
		report.written(batch(1, 3));
		report.caughtUp();
		assertThat(this.told).containsExactly(new SubscriptionListener.Started("s", "alice", true, 2));
	}

	@Test
	void reportsAFreshConnectAsNotResumed() {
		LifecycleReport report = new LifecycleReport(this.lifecycle, "s", Client.UNKNOWN, Position.FRESH);
		report.caughtUp();
		assertThat(this.told).containsExactly(new SubscriptionListener.Started("s", null, false, 0));
	}

	@Test
	void reportsTheEndWithEverythingWritten() {
		LifecycleReport report = new LifecycleReport(this.lifecycle, "s", new Client(null, "bob"), Position.FRESH);
		report.written(batch(4, 1));
		report.caughtUp();
		report.written(batch(0, 2));
		report.ended(CloseReason.SLOW, 1234);
		assertThat(this.told).last()
			.isEqualTo(new SubscriptionListener.Ended("s", "bob", CloseReason.SLOW, 4, 3, 1234));
	}

	private static FrameBatch batch(int replayed, int live) {
		FrameBatch batch = new FrameBatch();
		byte[] frame = "data: x\n\n".getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < replayed; i++) {
			batch.addReplayed(frame);
		}
		for (int i = 0; i < live; i++) {
			batch.addLive(frame);
		}
		return batch;
	}

}
