package dev.ssereplay.web;

import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import dev.ssereplay.autoconfigure.SseReplayAutoConfiguration;
import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.broker.ElasticWriterPool;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event streams written with non-blocking servlet output: with a single writer
 * thread that is never compensated for a blocked write, clients that stop
 * reading still delay no one, because no write blocks.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.writer.threads=1", "sse.replay.writer.stall-threshold=1h",
				"sse.replay.connection.queue-depth=64", "sse.replay.heartbeat.interval=300ms" })
class NonBlockingOutputTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	@Autowired
	@Qualifier(SseReplayAutoConfiguration.WRITER_EXECUTOR_BEAN_NAME)
	private ElasticWriterPool writers;

	@Autowired
	private RequestMappingHandlerAdapter adapter;

	@Test
	void theEmittersOfSseReplayAreServedByItsHandler() {
		assertThat(this.adapter.getReturnValueHandlers()).hasAtLeastOneElementOfType(SseReplayReturnValueHandler.class);
	}

	@Test
	void clientsThatStopReadingHoldNoWriterThreadAndAreClosedByThePolicy() throws Exception {
		long slowClosedBefore = this.broker.statistics().getClosed(CloseReason.SLOW);
		String payload = "p".repeat(8 * 1024);
		Socket[] stuck = new Socket[3];
		try (SseTestClient reader = SseTestClient.connect(stream("stopped"), null)) {
			for (int i = 0; i < stuck.length; i++) {
				stuck[i] = SseTestClient.stopReading(stream("stopped"));
			}
			await().atMost(WAIT).until(() -> this.broker.connectionCount() >= 1 + stuck.length);
			int events = 1500;
			List<Block> received = new ArrayList<>();
			for (int i = 0; i < events; i += 10) {
				for (int j = 0; j < 10; j++) {
					this.sseReplay.publish("stopped", payload);
				}
				// Paced by the reader, which is never slow however loaded the machine is;
				// the others never read at all.
				received.addAll(reader.events(10, WAIT));
			}
			assertThat(received).hasSize(events);
			assertThat(received).extracting(Block::data).containsOnly(payload);
			await().atMost(WAIT)
				.until(() -> this.broker.statistics().getClosed(CloseReason.SLOW) >= slowClosedBefore + stuck.length);
			assertThat(this.writers.poolSize()).as("no thread was added for a blocked write").isEqualTo(1);
			// The writer is free: the reader still gets events and heartbeats.
			String last = this.sseReplay.publish("stopped", "after");
			assertThat(reader.events(1, WAIT)).extracting(Block::id).containsExactly(last);
			assertThat(reader.next(WAIT, Block::isComment).comments()).containsExactly("heartbeat");
		}
		finally {
			for (Socket socket : stuck) {
				if (socket != null) {
					socket.close();
				}
			}
		}
	}

	@Test
	void replayingManyLargeEventsIsNotTreatedAsSlowness() throws Exception {
		long slowClosedBefore = this.broker.statistics().getClosed(CloseReason.SLOW);
		String payload = "q".repeat(4 * 1024);
		String first = this.sseReplay.publish("paused", payload);
		for (int i = 1; i < 300; i++) {
			this.sseReplay.publish("paused", payload);
		}
		try (SseTestClient resumed = SseTestClient.connect(stream("paused"), first)) {
			List<Block> replayed = resumed.events(299, WAIT);
			assertThat(replayed).hasSize(299);
			assertThat(replayed.get(0).sequence()).isEqualTo(2);
			assertThat(replayed.get(298).sequence()).isEqualTo(300);
		}
		assertThat(this.broker.statistics().getClosed(CloseReason.SLOW)).isEqualTo(slowClosedBefore);
	}

	private URI stream(String name) {
		return URI.create("http://127.0.0.1:" + this.port + "/streams/" + name);
	}

}
