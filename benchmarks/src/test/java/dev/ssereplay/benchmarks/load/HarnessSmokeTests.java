package dev.ssereplay.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.ssereplay.benchmarks.server.Contender;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the harness works: every contender starts on the server it is
 * meant to run on and serves the common API, and a tiny run of each scenario
 * completes. No timing is asserted; the numbers come from the benchmark run. The
 * Redis contenders run on a {@code redis-server} from the {@code PATH}, which
 * the tests start; without one they fail.
 */
class HarnessSmokeTests {

	// Heartbeats every second, so the idle scenario sees one within its wait.
	private static final List<String> ARGUMENTS = List.of("--bench.heartbeat=1s",
			"--sse.replay.heartbeat.interval=1s");

	private static final Settings SETTINGS = Settings.smoke();

	private static final double RATE = 50;

	@ParameterizedTest
	@EnumSource(names = { "SSE_REPLAY", "SSE_REPLAY_REDIS" })
	void everyScenarioCompletesAgainstSseReplay(Contender contender) throws Exception {
		try (ServerProcess server = ServerProcess.inProcess(contender, ARGUMENTS)) {
			assertThat(Target.text(server.info(), "server")).isEqualTo("TomcatWebServer");
			Scenarios scenarios = new Scenarios(server.target(), SETTINGS);

			Map<String, Double> fanOut = scenarios.fanOut("s1");
			assertThat(fanOut.get(Metric.DELIVERED_PER_SECOND)).isPositive();
			assertThat(fanOut.get(Metric.CLOSED_BY_SERVER)).isZero();

			Map<String, Double> latency = scenarios.latency("s2", RATE);
			assertThat(latency.get(Metric.SAMPLES)).isPositive();
			assertThat(latency.get(Metric.P99_MS)).isPositive();

			Map<String, Double> idle = scenarios.idleConnections("s3");
			assertThat(idle.get(Metric.IDLE_CONNECTED)).isEqualTo(SETTINGS.idleConnections());
			assertThat(idle.get(Metric.HEARTBEAT_SHARE)).isEqualTo(1.0);
			assertThat(idle.get(Metric.SERVER_FDS)).isPositive();

			Map<String, Double> slow = scenarios.slowSubscribers("s4", RATE);
			assertThat(slow.get(Metric.SLOW_CONNECTED)).isEqualTo(SETTINGS.slowConnections());
			assertThat(slow.get(Metric.SAMPLES)).isPositive();

			Map<String, Double> storm = scenarios.reconnectStorm("s5", RATE);
			assertThat(storm.get(Metric.RECONNECTED)).isEqualTo(SETTINGS.subscribers());
			assertThat(storm.get(Metric.CATCH_UP_SECONDS)).isFinite();
			assertThat(storm.get(Metric.PUBLISHED)).isPositive();
			assertThat(storm.get(Metric.LOST)).isZero();
			assertThat(storm.get(Metric.DUPLICATED)).isZero();
			assertThat(storm.get(Metric.RESYNCS)).isZero();
		}
	}

	@Test
	void subscribersOfTwoInstancesOnRedisResumeOnTheOtherOneLosingNothing() throws Exception {
		try (ServerProcess server = ServerProcess.inProcess(Contender.SSE_REPLAY_REDIS_2, ARGUMENTS)) {
			assertThat(server.instances()).hasSize(2);
			assertThat(server.instances().get(0).address()).isNotEqualTo(server.instances().get(1).address());
			for (Target instance : server.instances()) {
				assertThat(Target.text(instance.admin("/admin/info"), "server")).isEqualTo("TomcatWebServer");
			}
			Scenarios scenarios = new Scenarios(server.instances(), SETTINGS);

			Map<String, Double> latency = scenarios.latency("s2", RATE);
			assertThat(latency.get(Metric.SAMPLES)).isPositive();
			assertThat(latency.get(Metric.P99_MS)).isPositive();
			assertThat(latency.get(Metric.CLOSED_BY_SERVER)).isZero();

			server.flushStore();
			Map<String, Double> storm = scenarios.reconnectStorm("s5", RATE);
			assertThat(storm.get(Metric.RECONNECTED)).isEqualTo(SETTINGS.subscribers());
			assertThat(storm.get(Metric.CATCH_UP_SECONDS)).isFinite();
			assertThat(storm.get(Metric.PUBLISHED)).isPositive();
			assertThat(storm.get(Metric.LOST)).isZero();
			assertThat(storm.get(Metric.DUPLICATED)).isZero();
			assertThat(storm.get(Metric.RESYNCS)).isZero();
		}
	}

	@Test
	void spreadsConnectionsOverInstancesAndReconnectsEachToTheNext() throws Exception {
		// Nothing listens on port 1: the connections fail, and keep their instance.
		List<java.net.InetSocketAddress> instances = List.of(new java.net.InetSocketAddress("127.0.0.1", 1),
				new java.net.InetSocketAddress("127.0.0.1", 1));
		try (LoadClient client = new LoadClient(instances, 2, 0)) {
			List<SseConnection> connections = client.connect(6, (index) -> "/", 0, false, true, 6,
					java.time.Duration.ofSeconds(10));
			assertThat(client.count(connections, (c) -> c.instance == c.index % 2)).isEqualTo(6);
			client.dropAndReconnect(connections, 1);
			long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
			while (client.count(connections, (c) -> c.instance == (c.index + 1) % 2) < 6
					&& System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(client.count(connections, (c) -> c.instance == (c.index + 1) % 2)).isEqualTo(6);
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "SSE_REPLAY_TUNED", "SSE_REPLAY_JETTY", "SSE_REPLAY_JETTY_TUNED", "HAND_WRITTEN", "SSE_EVENTBUS", "WEBFLUX", "NETTY" })
	void contenderServesTheApiOnItsServer(Contender contender) throws Exception {
		try (ServerProcess server = ServerProcess.inProcess(contender, ARGUMENTS)) {
			String expected = contender.webServer();
			assertThat(Target.text(server.info(), "server")).isEqualTo(expected);
			Scenarios scenarios = new Scenarios(server.target(), SETTINGS);
			assertThat(scenarios.fanOut("s1").get(Metric.DELIVERED_PER_SECOND)).isPositive();
			assertThat(scenarios.latency("s2", RATE).get(Metric.SAMPLES)).isPositive();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "SSE_REPLAY", "SSE_REPLAY_REDIS", "HAND_WRITTEN", "NETTY" })
	void manyStreamsDeliverEveryEvent(Contender contender) throws Exception {
		try (ServerProcess server = ServerProcess.inProcess(contender, ARGUMENTS)) {
			Map<String, Double> many = new Scenarios(server.target(), SETTINGS).manyStreams("s6_");
			assertThat(many.get(Metric.STREAMS)).isEqualTo(SETTINGS.streams());
			assertThat(many.get(Metric.DELIVERED_PER_SECOND)).isPositive();
			assertThat(many.get(Metric.DELIVERED_SHARE)).isEqualTo(1.0);
			assertThat(many.get(Metric.CLOSED_BY_SERVER)).isZero();
			assertThat(many.get(Metric.RELEASE_SECONDS)).isFinite();
		}
	}

	@ParameterizedTest
	@EnumSource(names = { "SSE_REPLAY", "SSE_REPLAY_REDIS" })
	void tokenStreamsOfSseReplayLoseNothingAndEndWithTheFinalEvent(Contender contender) throws Exception {
		try (ServerProcess server = ServerProcess.inProcess(contender, tokenArguments())) {
			Map<String, Double> tokens = new Scenarios(server.target(), SETTINGS).tokenStreams("s7_");
			int streams = SETTINGS.tokenStreams();
			assertThat(tokens.get(Metric.COMPLETED)).isEqualTo(streams);
			assertThat(tokens.get(Metric.COMPLETE_SECONDS)).isFinite();
			assertThat(tokens.get(Metric.DROPS)).isEqualTo(streams);
			assertThat(tokens.get(Metric.REPLAYED)).isPositive();
			assertThat(tokens.get(Metric.LOST)).isZero();
			assertThat(tokens.get(Metric.DUPLICATED)).isZero();
			assertThat(tokens.get(Metric.ID_BREAKS)).isZero();
			assertThat(tokens.get(Metric.RESYNCS)).isZero();
			assertThat(tokens.get(Metric.TOLD_TO_STOP)).isEqualTo(streams);
		}
	}

	@Test
	void tokenStreamsOfTheHandWrittenLoopLoseWhatIsSentWhileAway() throws Exception {
		try (ServerProcess server = ServerProcess.inProcess(Contender.HAND_WRITTEN, tokenArguments())) {
			Map<String, Double> tokens = new Scenarios(server.target(), SETTINGS).tokenStreams("s7_");
			int streams = SETTINGS.tokenStreams();
			assertThat(tokens.get(Metric.COMPLETED)).isEqualTo(streams);
			assertThat(tokens.get(Metric.DROPS)).isEqualTo(streams);
			assertThat(tokens.get(Metric.LOST)).isPositive();
			assertThat(tokens.get(Metric.REPLAYED)).isZero();
			assertThat(tokens.get(Metric.ID_BREAKS)).isEqualTo(streams);
			assertThat(tokens.get(Metric.TOLD_TO_STOP)).isZero();
		}
	}

	private static List<String> tokenArguments() {
		List<String> arguments = new ArrayList<>(ARGUMENTS);
		arguments.addAll(Scenarios.serverArguments(Scenario.S7, SETTINGS));
		return arguments;
	}

	@Test
	void checksIdsAndTheFinalEventAndTakesNoContentAsTheEnd() throws Exception {
		try (LoadClient client = new LoadClient(new java.net.InetSocketAddress("127.0.0.1", 1), 1, 0)) {
			SseConnection connection = new SseConnection(client, 0, "/", false);
			connection.worker = new Worker(client, "test");
			connection.trackSequences();
			String body = "id: e-0\n\nid: e-1\nevent: token\ndata: 1 5 xx\n\nid: e-3\nevent: token\ndata: 3 7\n\n"
					+ "id: e-4\nevent: complete\ndata: {\"reason\":\"completed\"}\n\n";
			byte[] stream = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + body)
				.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
			assertThat(connection.onBytes(stream, 0, stream.length, 10)).isTrue();
			assertThat(connection.received).isEqualTo(2);
			assertThat(connection.idBreaks).isEqualTo(1);
			assertThat(connection.completes).isEqualTo(1);
			assertThat(connection.abnormalEnds).isZero();
			assertThat(connection.missingIn(1, 3)).isEqualTo(1);
			connection.resetResponse();
			byte[] noContent = "HTTP/1.1 204 \r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
			assertThat(connection.onBytes(noContent, 0, noContent.length, 20)).isFalse();
			assertThat(connection.noContent).isTrue();
			assertThat(connection.failed).isFalse();
			assertThat(new String(connection.request("h").array(), java.nio.charset.StandardCharsets.US_ASCII))
				.contains("Last-Event-ID: e-4\r\n");
		}
	}

	@Test
	void parsesTheEventStreamAcrossReadsAndChunks() throws Exception {
		try (LoadClient client = new LoadClient(new java.net.InetSocketAddress("127.0.0.1", 1), 1, 0)) {
			SseConnection connection = new SseConnection(client, 0, "/", false);
			connection.worker = new Worker(client, "test");
			String body = "id: e-1\ndata: 1 5 xx\n\n: heartbeat\n\nevent: resync\ndata: {}\n\nid: e-3\ndata: 3 7\n\n";
			String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(7)
					+ "\r\n" + body.substring(0, 7) + "\r\n" + Integer.toHexString(body.length() - 7) + "\r\n"
					+ body.substring(7) + "\r\n";
			byte[] bytes = chunked.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
			// Fed in two reads that split a line, a chunk header and a field.
			int split = chunked.indexOf("data: 3") + 3;
			assertThat(connection.onBytes(bytes, 0, split, 10)).isTrue();
			assertThat(connection.onBytes(bytes, split, bytes.length, 10)).isTrue();
			assertThat(connection.received).isEqualTo(2);
			assertThat(connection.gaps).isEqualTo(1);
			assertThat(connection.heartbeats).isEqualTo(1);
			assertThat(connection.resyncs).isEqualTo(1);
			assertThat(connection.maxSequence).isEqualTo(3);
			assertThat(new String(connection.request("h").array(), java.nio.charset.StandardCharsets.US_ASCII))
				.contains("Last-Event-ID: e-3\r\n");
		}
	}

}
