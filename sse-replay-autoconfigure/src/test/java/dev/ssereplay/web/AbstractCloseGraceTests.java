package dev.ssereplay.web;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.test.RawHttp;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.TomcatProbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection the slow-connection policy ends is gone from the network within
 * the close grace even when its client never reads again, and one whose client
 * reads again and resumes on the same connection keeps it. Subclasses run an
 * embedded Tomcat with a policy that ends connections and a close grace of
 * {@link #GRACE}.
 */
abstract class AbstractCloseGraceTests {

	static final Duration GRACE = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(20);

	// The grace plus what scheduling on a loaded machine may add; far below
	// Tomcat's own timeout (60 s), which holds the connection otherwise.
	private static final Duration GONE_WITHIN = Duration.ofSeconds(5);

	private static final String PAYLOAD = "s".repeat(16 * 1024);

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	@Autowired
	private ApplicationContext context;

	@Test
	void aClientEndedAsSlowThatNeverReadsAgainIsDisconnectedWithinTheGrace() throws Exception {
		long open = TomcatProbe.connections(this.context);
		long inProgress = TomcatProbe.asyncRequestsInProgress(this.context);
		int subscribed = this.broker.connectionCount();
		try (Socket stuck = SseTestClient.stopReading(uri("/streams/stuck"))) {
			await().atMost(WAIT).until(() -> TomcatProbe.connections(this.context) == open + 1
					&& this.broker.connectionCount() == subscribed + 1);
			publishUntilEndedAsSlow("stuck");
			long ended = System.nanoTime();
			// The client never reads: only the server can end the connection.
			await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(20))
				.until(() -> TomcatProbe.connections(this.context) == open);
			Duration gone = Duration.ofNanos(System.nanoTime() - ended);
			System.out.println("Connection ended as slow gone from Tomcat after " + gone.toMillis() + " ms");
			assertThat(gone).isGreaterThan(GRACE.dividedBy(2));
			// Tomcat finished the request: a graceful shutdown would not wait for it.
			assertThat(TomcatProbe.asyncRequestsInProgress(this.context)).isEqualTo(inProgress);
			// Reading now, the client finds the connection ended at once.
			stuck.setSoTimeout(1000);
			RawHttp.readToEndOfConnection(stuck.getInputStream());
		}
	}

	@Test
	void aClientEndedAsSlowThatReadsAgainAndResumesOnTheSameConnectionKeepsIt() throws Exception {
		int subscribed = this.broker.connectionCount();
		try (Socket client = SseTestClient.stopReading(uri("/streams/again"))) {
			await().atMost(WAIT).until(() -> this.broker.connectionCount() == subscribed + 1);
			publishUntilEndedAsSlow("again");
			client.setSoTimeout((int) WAIT.toMillis());
			InputStream in = new BufferedInputStream(client.getInputStream());
			assertThat(RawHttp.readToEndOfChunkedBody(in)).isTrue();
			long open = TomcatProbe.connections(this.context);
			RawHttp.requestStream(client, uri("/streams/again"));
			assertThat(RawHttp.readUntil(in, "HTTP/1.1 200")).isTrue();
			await().atMost(WAIT).until(() -> this.broker.connectionCount() == subscribed + 1);
			Thread.sleep(GRACE.multipliedBy(2).toMillis());
			String id = this.sseReplay.publish("again", "after the grace");
			assertThat(RawHttp.readUntil(in, "id: " + id)).isTrue();
			assertThat(TomcatProbe.connections(this.context)).isEqualTo(open);
		}
	}

	private void publishUntilEndedAsSlow(String stream) {
		long closedBefore = this.broker.statistics().getClosed(CloseReason.SLOW);
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (this.broker.statistics().getClosed(CloseReason.SLOW) == closedBefore
				&& System.nanoTime() < deadline) {
			this.sseReplay.publish(stream, PAYLOAD);
		}
		assertThat(this.broker.statistics().getClosed(CloseReason.SLOW)).isGreaterThan(closedBefore);
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
