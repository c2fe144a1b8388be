package dev.ssereplay.client.endtoend;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.web.SseReplay;

/**
 * The smallest application that serves sse-replay streams.
 */
@SpringBootApplication(proxyBeanMethods = false)
class StreamsApplication {

	@RestController
	static class StreamsController {

		private final SseReplay sseReplay;

		StreamsController(SseReplay sseReplay) {
			this.sseReplay = sseReplay;
		}

		@GetMapping("/streams/{stream}")
		SseEmitter subscribe(@PathVariable("stream") String stream) {
			return this.sseReplay.subscribe(stream);
		}

	}

}
