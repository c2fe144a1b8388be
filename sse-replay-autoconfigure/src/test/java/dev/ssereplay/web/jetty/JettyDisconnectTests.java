package dev.ssereplay.web.jetty;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.ssereplay.broker.Broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that closes its connection, on a running Jetty: the next heartbeat
 * finds it gone, and the server lets go of the stream and of its socket.
 */
@Tag("jetty")
class JettyDisconnectTests {

	private static final int STREAMS = 20;

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void aStreamWhoseClientClosedItsConnectionIsReleasedAtTheNextHeartbeat() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(
				JettyBuffersTests.JettyApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "sse.replay.heartbeat.interval=300ms")
			.run()) {
			Broker broker = context.getBean(Broker.class);
			ServerConnector connector = (ServerConnector) ((JettyWebServer) ((WebServerApplicationContext) context)
				.getWebServer()).getServer().getConnectors()[0];
			List<Socket> streams = new ArrayList<>();
			for (int i = 0; i < STREAMS; i++) {
				streams.add(JettyBuffersTests.openStream(context, "gone-" + i));
			}
			for (Socket stream : streams) {
				JettyBuffersTests.awaitFirstBlock(stream);
			}
			assertThat(broker.connectionCount()).isEqualTo(STREAMS);
			for (Socket stream : streams) {
				stream.close();
			}
			await().atMost(WAIT).until(() -> broker.connectionCount() == 0);
			await().atMost(WAIT).until(() -> connector.getConnectedEndPoints().isEmpty());
		}
	}

}
