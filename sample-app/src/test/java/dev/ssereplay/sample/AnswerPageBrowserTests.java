package dev.ssereplay.sample;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.ssereplay.web.Publication;
import dev.ssereplay.web.SseReplay;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answer page in a real browser, a {@link HeadlessChromium}. Without one the
 * test does not run, and says so; with the environment variable {@code CI} set
 * it fails instead.
 */
// Selenium warns that it has no DevTools support for this Chromium version; the
// test drives the browser through WebDriver only.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "logging.level.org.openqa.selenium.devtools=error")
class AnswerPageBrowserTests {

	// Longer than the reconnection delay the server sends (sse.replay.retry, 3s):
	// a page that left its EventSource open would have reconnected by then.
	private static final Duration RECONNECT_WINDOW = Duration.ofSeconds(4);

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@Autowired
	private RunningAnswers answers;

	@Autowired
	private StreamRequestLog requests;

	private HeadlessChromium chromium;

	private WebDriver browser;

	@BeforeEach
	void startBrowser() {
		this.chromium = HeadlessChromium.start("The answer page's browser test");
		this.browser = this.chromium.driver();
	}

	@AfterEach
	void stopBrowser() {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void aPageReloadedMidAnswerShowsTheWholeAnswerOnceAndStopsAtItsEnd() throws Exception {
		String prompt = "What does a page keep to resume an answer after a reload?";
		this.browser.get("http://localhost:" + this.port + "/answer.html");
		WebElement promptField = this.browser.findElement(By.id("prompt"));
		promptField.clear();
		promptField.sendKeys(prompt);
		this.browser.findElement(By.id("send")).click();
		String stream = waitFor("the answer's stream", () -> {
			String shown = this.browser.findElement(By.id("stream")).getText();
			return shown.startsWith("answer-") ? shown : null;
		});
		Publication publication = this.answers.get(stream);
		assertThat(publication).as("the answer being written").isNotNull();
		CompletableFuture<Instant> ended = publication.whenEnded().thenApply((id) -> Instant.now())
			.toCompletableFuture();

		String partial = waitFor("40 words of the answer", () -> {
			String text = answerText();
			return (words(text) >= 40) ? text : null;
		});
		assertThat(words(partial)).as("words shown before the reload").isLessThan(FakeModel.TOKENS_PER_ANSWER);
		assertThat(ended).as("the answer's end, before the reload").isNotDone();
		this.browser.navigate().refresh();

		waitFor("the finished answer", () -> "done".equals(status()) ? true : null);
		String answer = FakeModel.answerText(prompt);
		assertThat(answerText()).isEqualTo(answer).startsWith(partial);
		String finalId = publication.whenEnded().toCompletableFuture().get(10, TimeUnit.SECONDS);
		Instant end = ended.get(10, TimeUnit.SECONDS);

		// A finished answer shows as finished after a reload, without a request.
		this.browser.navigate().refresh();
		assertThat(status()).isEqualTo("done");
		assertThat(answerText()).isEqualTo(answer);
		Thread.sleep(RECONNECT_WINDOW.toMillis());

		List<StreamRequest> made = this.requests.to(stream);
		assertThat(made).as("requests to the stream: the page's first and the reloaded page's").hasSize(2);
		assertThat(made).allSatisfy((request) -> {
			assertThat(request.status()).isEqualTo(200);
			assertThat(request.at()).isBefore(end);
			assertThat(request.lastEventId()).isNotEqualTo(finalId);
		});
		// The first page asked from the answer's first event, sequence 1, which
		// carries the prompt; the reloaded one after the last token it showed.
		String epoch = finalId.substring(0, finalId.lastIndexOf('-'));
		assertThat(finalId).isEqualTo(epoch + "-" + (FakeModel.TOKENS_PER_ANSWER + 2));
		assertThat(made.get(0).lastEventId()).isEqualTo(epoch + "-1");
		assertThat(made.get(1).lastEventId()).startsWith(epoch + "-");
		assertThat(sequence(made.get(1).lastEventId()) - 1).isGreaterThanOrEqualTo(words(partial))
			.isLessThan(FakeModel.TOKENS_PER_ANSWER);
	}

	private String answerText() {
		return (String) ((JavascriptExecutor) this.browser)
			.executeScript("return document.getElementById('answer').textContent;");
	}

	private String status() {
		return this.browser.findElement(By.id("status")).getDomAttribute("data-state");
	}

	private <T> T waitFor(String what, Supplier<T> condition) {
		return new WebDriverWait(this.browser, WAIT)
			.withMessage(() -> "waiting for " + what + "; the page shows " + status() + " with "
					+ words(answerText()) + " words; saved: " + ((JavascriptExecutor) this.browser)
						.executeScript("return sessionStorage.getItem('sse-replay:answer');")
					+ "; stream requests: " + this.requests.all())
			.until((driver) -> condition.get());
	}

	private static int words(String text) {
		String trimmed = text.trim();
		return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
	}

	private static long sequence(String id) {
		return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
	}

	/**
	 * A request for an event stream, as the server saw it.
	 * @param stream the stream
	 * @param lastEventId the position it asked for (header, else query parameter)
	 * @param status the status it was answered with
	 * @param at when it came
	 */
	record StreamRequest(String stream, String lastEventId, int status, Instant at) {
	}

	/**
	 * Records every request for an event stream ({@code GET /streams/...}).
	 */
	static final class StreamRequestLog extends OncePerRequestFilter {

		private final List<StreamRequest> requests = new CopyOnWriteArrayList<>();

		List<StreamRequest> all() {
			return List.copyOf(this.requests);
		}

		List<StreamRequest> to(String stream) {
			return this.requests.stream().filter((request) -> request.stream().equals(stream)).toList();
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			Instant at = Instant.now();
			try {
				chain.doFilter(request, response);
			}
			finally {
				if ("GET".equals(request.getMethod())) {
					String header = request.getHeader(SseReplay.LAST_EVENT_ID_HEADER);
					String lastEventId = (header != null) ? header
							: request.getParameter(SseReplay.LAST_EVENT_ID_PARAMETER);
					String stream = request.getRequestURI().substring("/streams/".length());
					this.requests.add(new StreamRequest(stream, lastEventId, response.getStatus(), at));
				}
			}
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RequestLogConfiguration {

		@Bean
		StreamRequestLog streamRequestLog() {
			return new StreamRequestLog();
		}

		@Bean
		FilterRegistrationBean<StreamRequestLog> streamRequestLogRegistration(StreamRequestLog log) {
			FilterRegistrationBean<StreamRequestLog> registration = new FilterRegistrationBean<>(log);
			registration.addUrlPatterns("/streams/*");
			return registration;
		}

	}

}
