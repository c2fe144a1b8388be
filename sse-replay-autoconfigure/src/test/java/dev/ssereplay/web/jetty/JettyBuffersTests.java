package dev.ssereplay.web.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.ssereplay.test.RawHttp;
import dev.ssereplay.test.SseTestClient;
import dev.ssereplay.test.SseTestClient.Block;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.StreamsTestApplication.StreamsController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * End-to-end tests of {@code sse.replay.jetty.*} on a running Jetty: what an
 * idle event stream keeps outside the heap, measured through the JVM's count of
 * direct buffers, with Jetty's defaults and with no aggregation.
 */
@Tag("jetty")
class JettyBuffersTests {

	private static final int STREAMS = 200;

	private static final int READ_TIMEOUT_MILLIS = 30_000;

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void idleStreamsKeepNoResponseBufferWithoutAggregation() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.replay.jetty.response-aggregation=0")) {
			HttpConfiguration configuration = httpConfiguration(context);
			assertThat(configuration.getOutputAggregationSize()).isZero();
			assertThat(configuration.getOutputBufferSize()).isEqualTo(32 * 1024);
			// Jetty's defaults keep about 32 KB per stream (see the next test).
			assertThat(directBytesPerIdleStream(context)).isLessThan(4 * 1024);
		}
	}

	@Test
	void jettysDefaultsKeepAResponseBufferPerIdleStream() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			HttpConfiguration configuration = httpConfiguration(context);
			assertThat(configuration.getOutputAggregationSize()).isEqualTo(8 * 1024);
			assertThat(directBytesPerIdleStream(context)).isGreaterThanOrEqualTo(30 * 1024);
		}
	}

	@Test
	void eventsLargerThanTheResponseBufferArriveWholeWithoutAggregation() throws Exception {
		try (ConfigurableApplicationContext context = start("sse.replay.jetty.response-buffer=4KB",
				"sse.replay.jetty.response-aggregation=0")) {
			assertThat(httpConfiguration(context).getOutputBufferSize()).isEqualTo(4096);
			SseReplay sseReplay = context.getBean(SseReplay.class);
			URI uri = URI.create("http://127.0.0.1:" + port(context) + "/streams/big");
			try (SseTestClient client = SseTestClient.connect(uri, null)) {
				assertThat(client.next(WAIT)).isNotNull();
				// Larger than the buffer, so it leaves in pieces of the buffer's size.
				String large = "x".repeat(20_000);
				String first = sseReplay.publish("big", large);
				String second = sseReplay.publish("big", "small");
				Block received = client.next(WAIT, Block::hasData);
				assertThat(received.id()).isEqualTo(first);
				assertThat(received.data()).isEqualTo(large);
				Block next = client.next(WAIT, Block::hasData);
				assertThat(next.id()).isEqualTo(second);
				assertThat(next.data()).isEqualTo("small");
			}
		}
	}

	@Test
	void anAggregationLargerThanTheBufferFailsStartupNamingTheProperty() {
		assertThatException()
			.isThrownBy(() -> start("sse.replay.jetty.response-buffer=4KB", "sse.replay.jetty.response-aggregation=8KB"))
			.havingRootCause()
			.withMessageContaining("sse.replay.jetty.response-aggregation is '8192B', larger than the response buffer");
	}

	// Direct memory added by idle streams, per stream, once each has received its
	// first write: the head and the priming block.
	private static long directBytesPerIdleStream(ConfigurableApplicationContext context) throws Exception {
		// Classes loaded and the pool's buffers for one request in use, before counting.
		try (Socket warmUp = openStream(context, "idle")) {
			awaitFirstBlock(warmUp);
		}
		long before = directMemoryUsed();
		List<Socket> streams = new ArrayList<>();
		try {
			for (int i = 0; i < STREAMS; i++) {
				streams.add(openStream(context, "idle"));
			}
			for (Socket stream : streams) {
				awaitFirstBlock(stream);
			}
			return (directMemoryUsed() - before) / STREAMS;
		}
		finally {
			for (Socket stream : streams) {
				stream.close();
			}
		}
	}

	static Socket openStream(ConfigurableApplicationContext context, String stream) throws IOException {
		URI uri = URI.create("http://127.0.0.1:" + port(context) + "/streams/" + stream);
		Socket socket = new Socket(uri.getHost(), uri.getPort());
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		RawHttp.requestStream(socket, uri);
		return socket;
	}

	static void awaitFirstBlock(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		assertThat(RawHttp.readUntil(in, "\r\n\r\n")).isTrue();
		assertThat(RawHttp.readUntil(in, "\n\n")).isTrue();
	}

	private static long directMemoryUsed() throws InterruptedException {
		// Direct buffers no one references are freed after a collection.
		for (int i = 0; i < 2; i++) {
			System.gc();
			Thread.sleep(100);
		}
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if ("direct".equals(pool.getName())) {
				return pool.getMemoryUsed();
			}
		}
		throw new IllegalStateException("No direct buffer pool");
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(JettyApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static HttpConfiguration httpConfiguration(ConfigurableApplicationContext context) {
		Server server = ((JettyWebServer) ((WebServerApplicationContext) context).getWebServer()).getServer();
		return server.getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
	}

	// Boot picks Jetty over Tomcat when both are on the class path; said here all the same.
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration")
	@Import(StreamsController.class)
	static class JettyApplication {

	}

}
