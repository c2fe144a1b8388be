package dev.ssereplay.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.autoconfigure.SseReplayProperties;
import dev.ssereplay.event.EventTooLargeException;
import dev.ssereplay.web.SseReplay;

/**
 * The HTTP API: {@code GET /streams/{stream}} is the event stream, resuming after
 * {@code Last-Event-ID}; {@code POST /streams/{stream}} publishes the request body
 * as an event's data, named by the optional {@code event} parameter, and answers
 * its id.
 */
@RestController
class StreamController {

	private final SseReplay sseReplay;

	private final long maxEventSize;

	StreamController(SseReplay sseReplay, SseReplayProperties properties) {
		this.sseReplay = sseReplay;
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
			@RequestParam(required = false) String event) throws IOException {
		String data = readUtf8(body);
		return Map.of("id", this.sseReplay.publish(stream, event, data));
	}

	@ExceptionHandler(InvalidBodyException.class)
	ResponseEntity<ProblemDetail> invalidBody(InvalidBodyException ex) {
		return ResponseEntity.badRequest()
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage()));
	}

	private String readUtf8(InputStream body) throws IOException {
		// Read at most one byte past the limit, so a huge body is never buffered.
		byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, this.maxEventSize + 1));
		if (bytes.length > this.maxEventSize) {
			throw new EventTooLargeException(bytes.length + body.available(), this.maxEventSize);
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new InvalidBodyException("The request body is not valid UTF-8");
		}
	}

	static final class InvalidBodyException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		InvalidBodyException(String message) {
			super(message);
		}

	}

}
