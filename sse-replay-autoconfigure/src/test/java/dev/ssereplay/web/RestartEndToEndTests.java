package dev.ssereplay.web;

import java.net.URI;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application restarted with the in-memory store: ids from before the restart
 * name a lifetime of history that is gone, and get the resync event.
 */
class RestartEndToEndTests {

	@Test
	void anIdFromBeforeARestartGetsTheResyncEvent() {
		String before;
		try (ConfigurableApplicationContext first = start()) {
			before = first.getBean(SseReplay.class).publish("orders", "placed");
		}
		try (ConfigurableApplicationContext second = start()) {
			SseReplay sseReplay = second.getBean(SseReplay.class);
			String head = sseReplay.publish("orders", "placed again");
			assertThat(head).endsWith("-1").isNotEqualTo(before);
			try (SseTestClient client = SseTestClient.connect(uri(second), before)) {
				Block resync = client.next(Duration.ofSeconds(30), Block::hasData);
				assertThat(resync.event()).isEqualTo("resync");
				assertThat(resync.id()).isEqualTo(head);
				assertThat(resync.data()).contains("\"reason\":\"other-epoch\"");
				String live = sseReplay.publish("orders", "after restart");
				assertThat(client.next(Duration.ofSeconds(30), Block::hasData).id()).isEqualTo(live);
			}
		}
	}

	@Test
	@Timeout(120)
	void shutdownEndsOpenStreamsInsteadOfWaitingForThem() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(StreamsTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off",
					"spring.lifecycle.timeout-per-shutdown-phase=1h")
			.run();
		try (SseTestClient client = SseTestClient.connect(uri(context), null)) {
			assertThat(client.next(Duration.ofSeconds(30))).isNotNull();
			// Graceful shutdown waits for requests in progress; without ending the
			// streams first this would wait for the hour configured above.
			context.close();
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(client::ended);
		}
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(StreamsTestApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.run();
	}

	private static URI uri(ConfigurableApplicationContext context) {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + "/streams/orders");
	}

}
