package dev.ssereplay.sample;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.fail;

/**
 * A headless Chromium driven through chromedriver, for the tests that run the
 * sample's pages in a real browser: Debian's {@code chromium} and
 * {@code chromium-driver} packages. Selenium is given both paths, so it never
 * looks for or downloads a browser or a driver of its own.
 * <p>
 * Without them a test does not run, and says so in its skip message and in a
 * warning; with the environment variable {@code CI} set it fails instead, so
 * that a build server without a browser cannot pass it silently.
 */
final class HeadlessChromium implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(HeadlessChromium.class);

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private final ChromeDriverService service;

	private final WebDriver driver;

	private HeadlessChromium(ChromeDriverService service, WebDriver driver) {
		this.service = service;
		this.driver = driver;
	}

	/**
	 * Starts a browser with a profile of its own, or skips the calling test when
	 * there is none to start (fails it with {@code CI} set).
	 * @param test what does not run without a browser, for the skip message
	 * @return the running browser
	 */
	static HeadlessChromium start(String test) {
		requireBrowser(test);
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--disable-dev-shm-usage");
		try {
			return new HeadlessChromium(service, new ChromeDriver(service, options));
		}
		catch (RuntimeException ex) {
			service.stop();
			throw ex;
		}
	}

	// Checked before each test rather than once before all, so that a test that
	// does not run is counted as skipped.
	private static void requireBrowser(String test) {
		List<String> missing = new ArrayList<>();
		for (Path path : List.of(CHROMIUM, CHROMEDRIVER)) {
			if (!Files.isExecutable(path)) {
				missing.add(path.toString());
			}
		}
		if (missing.isEmpty()) {
			return;
		}
		String message = test + " DID NOT RUN: " + String.join(" and ", missing)
				+ " not found. Install Debian's chromium and chromium-driver packages "
				+ "(apt-get install chromium chromium-driver) to run it.";
		String ci = System.getenv("CI");
		if (ci != null && !ci.isEmpty()) {
			fail(message + " CI is set, so a missing browser is a failure.");
		}
		String banner = "*".repeat(100);
		logger.warn("\n{}\n{}\n{}", banner, message, banner);
		// The test's own output goes to a report file; the process's standard error
		// reaches the console of the build that runs it.
		PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		console.println(banner + System.lineSeparator() + "WARNING: " + message + System.lineSeparator() + banner);
		Assumptions.abort(message);
	}

	/**
	 * Returns the driver of the browser.
	 * @return the driver
	 */
	WebDriver driver() {
		return this.driver;
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			this.service.stop();
		}
	}

}
