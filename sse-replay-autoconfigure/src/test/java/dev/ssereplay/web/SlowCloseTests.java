package dev.ssereplay.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.CloseReason;
import dev.ssereplay.test.SseTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that the slow policy closed while it was not reading, and that reads
 * again later, receives what was on its way and then the end of the response,
 * promptly: it does not hang on a stream the server has left.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.connection.queue-depth=8",
				"sse.replay.heartbeat.interval=0" })
class SlowCloseTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private SseReplay sseReplay;

	@Autowired
	private Broker broker;

	@Test
	void aClientClosedAsSlowThatReadsAgainSeesTheEndPromptly() throws Exception {
		long closedBefore = this.broker.statistics().getClosed(CloseReason.SLOW);
		String payload = "s".repeat(16 * 1024);
		try (Socket stuck = SseTestClient.stopReading(URI.create("http://127.0.0.1:" + this.port + "/streams/stuck"))) {
			await().atMost(WAIT).until(() -> this.broker.connectionCount() >= 1);
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (this.broker.statistics().getClosed(CloseReason.SLOW) == closedBefore
					&& System.nanoTime() < deadline) {
				this.sseReplay.publish("stuck", payload);
			}
			assertThat(this.broker.statistics().getClosed(CloseReason.SLOW)).isGreaterThan(closedBefore);
			// The client comes back to reading a while after the close.
			Thread.sleep(1500);
			stuck.setSoTimeout(5_000);
			InputStream in = stuck.getInputStream();
			byte[] buffer = new byte[64 * 1024];
			long start = System.nanoTime();
			try {
				// Drains what was on its way, then sees the end: the last chunk of the
				// response, or the connection closed.
				byte[] tail = new byte[0];
				int read;
				while ((read = in.read(buffer)) >= 0) {
					byte[] joined = new byte[Math.min(16, tail.length + read)];
					int fromTail = joined.length - Math.min(read, joined.length);
					System.arraycopy(tail, tail.length - fromTail, joined, 0, fromTail);
					System.arraycopy(buffer, read - (joined.length - fromTail), joined, fromTail, joined.length - fromTail);
					tail = joined;
					if (new String(tail, java.nio.charset.StandardCharsets.US_ASCII).endsWith("\r\n0\r\n\r\n")) {
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				throw new AssertionError("The response had not ended 5 s after the client read again", ex);
			}
			catch (IOException ex) {
				// Reset: the server aborted the connection; that is an end too.
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
	}

}
