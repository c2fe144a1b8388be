package dev.ssereplay.web;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The container ends each response (a tiny connection timeout) while writers
 * keep writing to it: every response body stays well formed, the client resumes
 * each time with nothing lost or repeated, and nothing is logged as a warning.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.connection-timeout=100ms", "sse.replay.heartbeat.interval=30ms",
				"sse.replay.store.max-events-per-stream=100000" })
class ConnectionTimeoutRaceTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Test
	void responsesEndedByTheContainerWhileWritingStayWellFormedAndLoseNothing(CapturedOutput output)
			throws Exception {
		AtomicBoolean publishing = new AtomicBoolean(true);
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		List<Long> received = new ArrayList<>();
		int responses = 0;
		try {
			String first = this.sseReplay.publish("timeouts", "start");
			Future<Long> published = publisher.submit(() -> {
				long count = 1;
				while (publishing.get()) {
					this.sseReplay.publish("timeouts", "event " + count);
					count++;
					if (count % 5 == 0) {
						Thread.sleep(1);
					}
				}
				return count;
			});
			String lastEventId = first;
			// Tomcat checks for timed-out requests about once a second.
			while (responses < 6) {
				SseTestClient client = SseTestClient.connect(uri(), lastEventId);
				try {
					assertThat(client.status()).isEqualTo(200);
					await().atMost(WAIT).until(client::ended);
				}
				finally {
					client.close();
				}
				responses++;
				String raw = client.raw();
				assertThat(raw.isEmpty() || raw.endsWith("\n\n")).as("response %d ends with a whole block", responses)
					.isTrue();
				Block block;
				while ((block = client.next(Duration.ZERO)) != null) {
					assertThat(block.event()).as("no resync is needed: %s", block.data()).isNull();
					if (block.hasData()) {
						received.add(block.sequence());
						lastEventId = block.id();
					}
				}
			}
			publishing.set(false);
			long total = published.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(total).isPositive();
		}
		finally {
			publishing.set(false);
			publisher.shutdownNow();
		}
		assertThat(received).isNotEmpty();
		for (int i = 0; i < received.size(); i++) {
			assertThat(received.get(i)).as("event %d", i).isEqualTo(i + 2L);
		}
		assertThat(output.getAll()).doesNotContain(" WARN ").doesNotContain(" ERROR ");
	}

	private URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/timeouts");
	}

}
