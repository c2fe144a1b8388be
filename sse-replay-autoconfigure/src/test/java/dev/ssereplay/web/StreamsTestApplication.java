package dev.ssereplay.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A minimal application that uses the starter the way a user would, for end to
 * end tests.
 */
@SpringBootApplication
public class StreamsTestApplication {

	/**
	 * Subscribes and publishes over HTTP, as a user's controller would.
	 */
	@RestController
	public static class StreamsController {

		private final SseReplay sseReplay;

		public StreamsController(SseReplay sseReplay) {
			this.sseReplay = sseReplay;
		}

		@GetMapping("/streams/{stream}")
		SseEmitter subscribe(@PathVariable String stream) {
			return this.sseReplay.subscribe(stream);
		}

		/**
		 * Subscribes, then refuses: an access check placed after the subscribe.
		 */
		@GetMapping("/refused/{stream}")
		SseEmitter subscribeThenRefuse(@PathVariable String stream) {
			this.sseReplay.subscribe(stream);
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "not yours");
		}

		@PostMapping("/streams/{stream}/complete")
		Map<String, String> complete(@PathVariable String stream) {
			return Map.of("id", this.sseReplay.complete(stream));
		}

		@DeleteMapping("/streams/{stream}")
		ResponseEntity<Void> delete(@PathVariable String stream) {
			this.sseReplay.delete(stream);
			return ResponseEntity.noContent().build();
		}

		@PostMapping("/streams/{stream}")
		Map<String, String> publish(@PathVariable String stream, @RequestBody(required = false) byte[] body,
				@RequestParam(required = false) String event) {
			String data = (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
			return Map.of("id", this.sseReplay.publish(stream, event, data));
		}

	}

}
