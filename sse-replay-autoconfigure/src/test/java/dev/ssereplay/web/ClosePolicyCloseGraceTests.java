package dev.ssereplay.web;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * {@link AbstractCloseGraceTests} under the {@code close} policy: what is queued
 * is written, if the connection can take it, before the end.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.connection.slow-policy=close", "sse.replay.connection.queue-depth=8",
				"sse.replay.connection.close-grace=1s", "sse.replay.heartbeat.interval=0" })
class ClosePolicyCloseGraceTests extends AbstractCloseGraceTests {

}
