package dev.ssereplay.sample;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.autoconfigure.SseReplayProperties;
import dev.ssereplay.event.IdempotencyKey;
import dev.ssereplay.web.SseReplay;

/**
 * The HTTP API: {@code GET /streams/{stream}} is the event stream, resuming after
 * {@code Last-Event-ID}; {@code POST /streams/{stream}} publishes the request body
 * as an event's data, named by the optional {@code event} parameter, and answers
 * its id, once per {@code Idempotency-Key} header when the request has one, so
 * that a client that got no answer can retry safely; {@code POST /streams/{stream}/complete} ends the stream with its final
 * event and answers that event's id; {@code DELETE /streams/{stream}} stops an
 * answer being written to the stream, if any, and removes it.
 */
@RestController
class StreamController {

	private final SseReplay sseReplay;

	private final RunningAnswers answers;

	private final long maxEventSize;

	StreamController(SseReplay sseReplay, RunningAnswers answers, SseReplayProperties properties) {
		this.sseReplay = sseReplay;
		this.answers = answers;
		this.maxEventSize = properties.getMaxEventSize().toBytes();
	}

	@GetMapping("/streams/{stream}")
	SseEmitter subscribe(@PathVariable String stream) {
		return this.sseReplay.subscribe(stream);
	}

	// The body is declared, and so read, before the event parameter: a form-encoded
	// post would otherwise have its body consumed as parameters.
	@PostMapping("/streams/{stream}")
	Map<String, String> publish(@PathVariable String stream, InputStream body,
			@RequestParam(required = false) String event,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) throws IOException {
		// Checked before the body is read: an invalid key is the client's error.
		IdempotencyKey key = IdempotencyKey.ofNullable(idempotencyKey);
		String data = Utf8Body.read(body, this.maxEventSize);
		String id = (key != null) ? this.sseReplay.publish(stream, event, data, key)
				: this.sseReplay.publish(stream, event, data);
		return Map.of("id", id);
	}

	@PostMapping("/streams/{stream}/complete")
	Map<String, String> complete(@PathVariable String stream) {
		return Map.of("id", this.sseReplay.complete(stream));
	}

	@DeleteMapping("/streams/{stream}")
	CompletionStage<ResponseEntity<Void>> delete(@PathVariable String stream) {
		// An answer still being written would go on publishing into a new
		// lifetime of the stream: it is stopped, and has ended, before the delete.
		return this.answers.stop(stream).thenApply((stopped) -> {
			this.sseReplay.delete(stream);
			return ResponseEntity.noContent().build();
		});
	}

}
