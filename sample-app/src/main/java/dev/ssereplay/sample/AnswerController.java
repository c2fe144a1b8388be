package dev.ssereplay.sample;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import dev.ssereplay.autoconfigure.SseReplayProperties;
import dev.ssereplay.web.Publication;
import dev.ssereplay.web.SseReplay;

/**
 * Answers to prompts, streamed while a model writes them, as a chat page shows
 * them: {@code POST /answers} starts one and answers where to read it from;
 * {@code POST /answers/{stream}/cancel} stops it.
 * <p>
 * Each answer has a stream of its own, {@code answer-<random UUID>}. Its first
 * event, {@code answer-start}, carries the prompt, so the stream exists with a
 * known head before the first token: its id is the {@code from} of the
 * response, and a client that subscribes with it as its last event id receives
 * the whole answer, however late it connects (while the history lasts). The
 * tokens follow as {@code token} events, published from the model's
 * {@link org.reactivestreams.Publisher} with {@link SseReplay#publishAll}, and
 * the stream's final event ends it: reason {@code completed}, {@code cancelled}
 * or {@code failed}.
 */
@RestController
class AnswerController {

	/** The name of an answer's first event, which carries the prompt. */
	static final String START_EVENT = "answer-start";

	/** The name of the events that carry the answer's tokens. */
	static final String TOKEN_EVENT = "token";

	private final SseReplay sseReplay;

	private final FakeModel model;

	private final RunningAnswers running;

	private final long maxEventSize;

	AnswerController(SseReplay sseReplay, FakeModel model, RunningAnswers running, SseReplayProperties properties) {
		this.sseReplay = sseReplay;
		this.model = model;
		this.running = running;
		this.maxEventSize = properties.getMaxEventSize().toBytes();
	}

	@PostMapping("/answers")
	AnswerStarted answer(InputStream body) throws IOException {
		String prompt = Utf8Body.read(body, this.maxEventSize);
		String stream = "answer-" + UUID.randomUUID();
		String from = this.sseReplay.publish(stream, START_EVENT, prompt);
		this.running.add(this.sseReplay.publishAll(stream, TOKEN_EVENT, this.model.answer(prompt)));
		return new AnswerStarted(stream, from);
	}

	@PostMapping("/answers/{stream}/cancel")
	CompletionStage<Map<String, String>> cancel(@PathVariable String stream) {
		Publication publication = this.running.get(stream);
		if (publication == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No answer is being written to this stream");
		}
		publication.cancel();
		return publication.whenEnded().thenApply((id) -> Map.of("id", id));
	}

	/**
	 * Where a new answer is written and where to read it from.
	 * @param stream the answer's stream
	 * @param from the id of its first event, which carries the prompt: the last
	 * event id to subscribe with to receive every token
	 */
	record AnswerStarted(String stream, String from) {
	}

}
