package dev.ssereplay.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import dev.ssereplay.broker.Broker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at {@code /} with the {@code secure} profile, in a real browser, a
 * {@link HeadlessChromium}: a user signs in with the form, and the page shows
 * their inbox over the session, publishes with the CSRF token, and is refused
 * another user's inbox. Without a browser the test does not run, and says so;
 * with the environment variable {@code CI} set it fails instead.
 */
// Selenium warns that it has no DevTools support for this Chromium version; the
// test drives the browser through WebDriver only.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "logging.level.org.openqa.selenium.devtools=error")
@ActiveProfiles("secure")
class SecurePageBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@Autowired
	private Broker broker;

	private HeadlessChromium chromium;

	private WebDriver browser;

	@BeforeEach
	void startBrowser() {
		this.chromium = HeadlessChromium.start("The secure page's browser test");
		this.browser = this.chromium.driver();
	}

	@AfterEach
	void stopBrowser() {
		if (this.chromium != null) {
			this.chromium.close();
		}
	}

	@Test
	void aUserSignsInWithTheFormAndThePageShowsTheirInbox() throws Exception {
		this.browser.get("http://localhost:" + this.port + "/");
		waitFor("the login form", () -> this.browser.getCurrentUrl().endsWith("/login") ? true : null);
		this.browser.findElement(By.name("username")).sendKeys("alice");
		this.browser.findElement(By.name("password")).sendKeys("alice-password");
		this.browser.findElement(By.cssSelector("button[type=submit]")).click();

		waitFor("alice's inbox, open", () -> "open".equals(status()) ? true : null);
		assertThat(this.browser.findElement(By.name("stream")).getDomProperty("value")).isEqualTo("user.alice.inbox");
		assertThat(this.browser.findElement(By.id("user")).getText()).isEqualTo("alice");

		String id = publishAsBob("user.alice.inbox", "lunch at one?");
		waitFor("bob's event", () -> rows().contains(List.of(id, "message", "lunch at one?")) ? true : null);

		// The page's own POST goes with the session, and so with the CSRF token.
		WebElement data = this.browser.findElement(By.name("data"));
		data.sendKeys("note to self");
		this.browser.findElement(By.cssSelector("#publish button[type=submit]")).click();
		waitFor("alice's own event", () -> rows().stream()
			.anyMatch((row) -> row.get(2).equals("note to self")) ? true : null);

		long deniedBefore = this.broker.statistics().getDenied();
		WebElement stream = this.browser.findElement(By.name("stream"));
		stream.clear();
		stream.sendKeys("user.bob.inbox");
		this.browser.findElement(By.cssSelector("#subscribe button[type=submit]")).click();
		waitFor("bob's inbox, refused", () -> "closed".equals(status()) ? true : null);
		assertThat(rows()).anySatisfy((row) -> assertThat(row.get(2)).contains("403: not yours"));
		assertThat(this.broker.statistics().getDenied()).isEqualTo(deniedBefore + 1);
	}

	private String publishAsBob(String stream, String data) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/streams/" + stream))
				.header("Authorization",
						"Basic " + Base64.getEncoder()
							.encodeToString("bob:bob-password".getBytes(StandardCharsets.UTF_8)))
				.POST(HttpRequest.BodyPublishers.ofString(data))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body().substring(7, response.body().length() - 2);
	}

	private String status() {
		return this.browser.findElement(By.id("status")).getText();
	}

	// The table's rows, newest first: id, event name and data of each.
	@SuppressWarnings("unchecked")
	private List<List<String>> rows() {
		return (List<List<String>>) ((JavascriptExecutor) this.browser).executeScript(
				"return [...document.querySelectorAll('#events tr')].map((tr) => [...tr.cells].map((td) => td.textContent));");
	}

	private <T> T waitFor(String what, Supplier<T> condition) {
		return new WebDriverWait(this.browser, WAIT)
			.withMessage(() -> "waiting for " + what + "; the page at " + this.browser.getCurrentUrl() + " shows "
					+ this.browser.findElement(By.tagName("body")).getText())
			.until((driver) -> condition.get());
	}

}
