package dev.ssereplay.web;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The end-to-end tests again, with streams written through {@code SseEmitter.send}
 * ({@code sse.replay.writer.non-blocking=false}), the path an emitter also takes
 * when the application wraps it in a {@code ResponseEntity}.
 */
@SpringBootTest(classes = StreamsTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sse.replay.writer.non-blocking=false", "sse.replay.heartbeat.interval=300ms",
				"sse.replay.store.max-events-per-stream=300", "sse.replay.connection.queue-depth=64",
				"sse.replay.retry=1500ms", "management.endpoints.web.exposure.include=health,metrics" })
class BlockingOutputEndToEndTests extends SseReplayEndToEndTests {

}
