package dev.ssereplay.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.ssereplay.event.StreamNames;
import dev.ssereplay.web.Publication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers to prompts over HTTP: where to read one from, reading it late,
 * cancelling it, deleting it while it is written.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.model.token-interval=5ms")
class AnswerControllerTests {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private RunningAnswers answers;

	@Autowired
	private JsonMapper json;

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private Map<String, String> ask(String prompt) throws Exception {
		HttpResponse<String> response = post("/answers", prompt);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		Map<String, String> started = this.json.readValue(response.body(), new TypeReference<Map<String, String>>() {
		});
		assertThat(started).containsOnlyKeys("stream", "from");
		return started;
	}

	@Test
	void answersWithTheStreamAndThePositionBeforeTheFirstToken() throws Exception {
		Map<String, String> started = ask("What is a resumable stream?");
		assertThat(StreamNames.isValid(started.get("stream"))).isTrue();
		assertThat(started.get("stream")).startsWith("answer-");
		assertThat(started.get("from")).matches("[0-9a-z]+-[0-9]+");
		Map<String, String> other = ask("What is a resumable stream?");
		assertThat(other.get("stream")).isNotEqualTo(started.get("stream"));
	}

	@Test
	void aClientThatComesAfterTheEndStillGetsTheWholeAnswerThenIsToldToStop() throws Exception {
		String prompt = "Does a late client miss the beginning?";
		Map<String, String> started = ask(prompt);
		String stream = started.get("stream");
		Publication publication = this.answers.get(stream);
		assertThat(publication).isNotNull();
		String finalId = publication.whenEnded().toCompletableFuture().get(20, TimeUnit.SECONDS);
		EventStreamReader.Result read = EventStreamReader.readToEnd(uri("/streams/" + stream), started.get("from"),
				READ_TIMEOUT);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.events().get(0).name()).isEqualTo(AnswerController.TOKEN_EVENT);
		List<String> tokens = read.named(AnswerController.TOKEN_EVENT).stream().map(EventStreamReader.Event::data).toList();
		assertThat(tokens).hasSize(FakeModel.TOKENS_PER_ANSWER).isEqualTo(FakeModel.tokens(prompt));
		assertThat(String.join("", tokens)).isEqualTo(FakeModel.answerText(prompt));
		assertThat(read.last().name()).isEqualTo("complete");
		assertThat(read.last().data()).isEqualTo("{\"reason\":\"completed\"}");
		assertThat(read.last().id()).isEqualTo(finalId);
		assertThat(this.answers.get(stream)).isNull();
		EventStreamReader.Result again = EventStreamReader.readToEnd(uri("/streams/" + stream), finalId,
				READ_TIMEOUT);
		assertThat(again.status()).isEqualTo(204);
		assertThat(post("/answers/" + stream + "/cancel", "").statusCode()).isEqualTo(404);
	}

	@Test
	void theFirstEventCarriesThePrompt() throws Exception {
		String prompt = "Line one\nline two: \u00e9\u4e16";
		Map<String, String> started = ask(prompt);
		String stream = started.get("stream");
		this.answers.get(stream).whenEnded().toCompletableFuture().get(20, TimeUnit.SECONDS);
		// From before the stream's first event, sequence 1.
		EventStreamReader.Result read = EventStreamReader.readToEnd(uri("/streams/" + stream),
				started.get("from").replaceAll("-[0-9]+$", "-0"), READ_TIMEOUT);
		assertThat(read.events().get(0)).isEqualTo(
				new EventStreamReader.Event(started.get("from"), AnswerController.START_EVENT, prompt));
	}

	@Test
	void cancelEndsTheAnswerWithReasonCancelledAndAnswersTheFinalEventsId() throws Exception {
		String prompt = "Can an answer be stopped?";
		Map<String, String> started = ask(prompt);
		String stream = started.get("stream");
		HttpResponse<String> cancelled = post("/answers/" + stream + "/cancel", "");
		assertThat(cancelled.statusCode()).isEqualTo(200);
		assertThat(cancelled.body()).startsWith("{\"id\":\"");
		String finalId = cancelled.body().substring(7, cancelled.body().length() - 2);
		EventStreamReader.Result read = EventStreamReader.readToEnd(uri("/streams/" + stream), started.get("from"),
				READ_TIMEOUT);
		List<String> tokens = read.named(AnswerController.TOKEN_EVENT).stream().map(EventStreamReader.Event::data).toList();
		assertThat(tokens).hasSizeLessThan(FakeModel.TOKENS_PER_ANSWER);
		assertThat(tokens).isEqualTo(FakeModel.tokens(prompt).subList(0, tokens.size()));
		assertThat(read.last()).isEqualTo(new EventStreamReader.Event(finalId, "complete", "{\"reason\":\"cancelled\"}"));
		assertThat(this.answers.get(stream)).isNull();
		assertThat(post("/answers/" + stream + "/cancel", "").statusCode()).isEqualTo(404);
	}

	@Test
	void deleteStopsTheAnswerBeforeItRemovesTheStream() throws Exception {
		String prompt = "Can an answer be deleted while it is written?";
		Map<String, String> started = ask(prompt);
		String stream = started.get("stream");
		URI uri = uri("/streams/" + stream);
		try (EventStreamReader connected = EventStreamReader.open(uri, started.get("from"))) {
			assertThat(connected.next(READ_TIMEOUT).name()).isEqualTo(AnswerController.TOKEN_EVENT);
			HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(uri).DELETE().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(delete.statusCode()).isEqualTo(204);
			List<EventStreamReader.Event> rest = connected.rest(READ_TIMEOUT);
			assertThat(rest).last()
				.satisfies((end) -> assertThat(end.name()).isEqualTo("complete"))
				.satisfies((end) -> assertThat(end.data()).isEqualTo("{\"reason\":\"cancelled\"}"));
		}
		assertThat(this.answers.get(stream)).isNull();
		// Longer than many tokens take: a model left running would have started the
		// stream again, and the old position would get a resync rather than the end.
		Thread.sleep(200);
		assertThat(EventStreamReader.readToEnd(uri, started.get("from"), READ_TIMEOUT).status()).isEqualTo(204);
	}

	@Test
	void cancelOfAnUnknownAnswerIsA404() throws Exception {
		assertThat(post("/answers/answer-none/cancel", "").statusCode()).isEqualTo(404);
	}

	@Test
	void rejectsPromptsThatAreNotUtf8() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri("/answers"))
			.POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] { 'a', (byte) 0xC3 }))
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("not valid UTF-8");
	}

}
