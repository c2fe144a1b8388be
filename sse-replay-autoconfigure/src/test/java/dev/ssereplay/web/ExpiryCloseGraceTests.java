package dev.ssereplay.web;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.SlowConnectionPolicy;
import dev.ssereplay.test.RawHttp;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.TomcatProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections that end at the connection timeout: one whose client reads keeps
 * its connection for the next request, as any HTTP/1.1 connection does, and one
 * whose client stopped reading is gone from the network within the close grace.
 * The {@code drop} policy keeps the slow-connection policy from ending it first.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.connection-timeout=1s", "sse.replay.connection.slow-policy=drop",
				"sse.replay.connection.queue-depth=8", "sse.replay.connection.close-grace=500ms",
				"sse.replay.heartbeat.interval=0" })
class ExpiryCloseGraceTests {

	private static final Duration GRACE = Duration.ofMillis(500);

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Duration GONE_WITHIN = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	@Autowired
	private ApplicationContext context;

	@Test
	void aConnectionThatExpiresWhileItsClientReadsStaysOpenForTheNextRequest() throws Exception {
		try (Socket client = new Socket("127.0.0.1", this.port)) {
			client.setSoTimeout((int) WAIT.toMillis());
			InputStream in = new BufferedInputStream(client.getInputStream());
			RawHttp.requestStream(client, uri("/streams/expiring"));
			assertThat(RawHttp.readUntil(in, "HTTP/1.1 200")).isTrue();
			assertThat(RawHttp.readToEndOfChunkedBody(in)).isTrue();
			long open = TomcatProbe.connections(this.context);
			Thread.sleep(GRACE.multipliedBy(3).toMillis());
			assertThat(TomcatProbe.connections(this.context)).isEqualTo(open);
			RawHttp.post(client, uri("/streams/expiring"), "next");
			assertThat(RawHttp.readUntil(in, "HTTP/1.1 200")).isTrue();
		}
	}

	@Test
	void aConnectionThatExpiresWhileItsClientIsNotReadingIsDisconnectedWithinTheGrace() throws Exception {
		// Every stream here expires, so every connection ends or goes idle.
		await().atMost(WAIT).until(() -> this.broker.connectionCount() == 0);
		long open = TomcatProbe.connections(this.context);
		String payload = "e".repeat(16 * 1024);
		try (Socket stuck = SseTestClient.stopReading(uri("/streams/expiring-stuck"))) {
			await().atMost(WAIT).until(() -> this.broker.connectionCount() == 1);
			// Until it expires, so that the server cannot write more to it by then.
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (this.broker.connectionCount() == 1 && System.nanoTime() < deadline) {
				this.sseReplay.publish("expiring-stuck", payload);
			}
			long ended = System.nanoTime();
			assertThat(this.broker.connectionCount()).isZero();
			assertThat(this.broker.statistics().getDropped(SlowConnectionPolicy.DROP)).isPositive();
			await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(20))
				.until(() -> TomcatProbe.connections(this.context) == open);
			System.out.println("Expired connection gone from Tomcat after "
					+ Duration.ofNanos(System.nanoTime() - ended).toMillis() + " ms");
			assertThat(TomcatProbe.asyncRequestsInProgress(this.context)).isZero();
			stuck.setSoTimeout(1000);
			RawHttp.readToEndOfConnection(stuck.getInputStream());
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
