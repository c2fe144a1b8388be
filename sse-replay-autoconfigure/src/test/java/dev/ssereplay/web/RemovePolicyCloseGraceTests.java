package dev.ssereplay.web;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * {@link AbstractCloseGraceTests} under the {@code remove} policy: the connection
 * is ended at once, its queue discarded.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.connection.slow-policy=remove", "sse.replay.connection.queue-depth=8",
				"sse.replay.connection.close-grace=1s", "sse.replay.heartbeat.interval=0" })
class RemovePolicyCloseGraceTests extends AbstractCloseGraceTests {

}
