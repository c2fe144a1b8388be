package dev.ssereplay.benchmarks.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the Spring contenders. WebMVC, WebFlux, Tomcat, Jetty and Reactor Netty share
 * this module's classpath, so each contender names its web application type and
 * excludes the auto-configurations that belong to the others; the admin endpoint
 * reports the web server that actually answers.
 */
public final class SpringServers {

	/** The sse-replay auto-configurations, excluded from the other contenders. */
	public static final List<String> SSE_REPLAY_AUTO_CONFIGURATIONS = List.of(
			"dev.ssereplay.autoconfigure.SseReplayAutoConfiguration",
			"dev.ssereplay.autoconfigure.SseReplayMetricsAutoConfiguration");

	/** Tomcat can serve WebFlux too; the WebFlux contender is about Reactor Netty. */
	public static final List<String> TOMCAT_REACTIVE_AUTO_CONFIGURATIONS = List
		.of("org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration");

	/** Tomcat's servlet web server, excluded from the contender that runs on Jetty. */
	public static final List<String> TOMCAT_SERVLET_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
			"org.springframework.boot.tomcat.autoconfigure.metrics.TomcatMetricsAutoConfiguration");

	/** Jetty's web servers, excluded from every contender but the one that runs on it. */
	public static final List<String> JETTY_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
			"org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration",
			"org.springframework.boot.jetty.autoconfigure.metrics.JettyMetricsAutoConfiguration");

	/** The argument that selects sse-replay's Redis store. */
	public static final String REDIS_STORE_ARGUMENT = "--sse.replay.store.type=redis";

	/**
	 * Spring Data Redis's auto-configurations, excluded from every contender but
	 * those started with {@link #REDIS_STORE_ARGUMENT}: the others run as they did
	 * before the module had Redis on its classpath, with no connection factory and
	 * no client threads.
	 */
	public static final List<String> DATA_REDIS_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration");

	private SpringServers() {
	}

	/**
	 * Starts a Spring Boot application as a contender.
	 * @param application the application class
	 * @param contender the contender id, reported by {@code /admin/info}
	 * @param type the web application type
	 * @param excluded auto-configuration classes to exclude
	 * @param arguments command line arguments
	 * @return the running server
	 */
	public static ServerHandle start(Class<?> application, String contender, WebApplicationType type,
			List<String> excluded, String... arguments) {
		SpringApplication spring = new SpringApplication(application);
		spring.setWebApplicationType(type);
		spring.setBannerMode(Banner.Mode.OFF);
		spring.setRegisterShutdownHook(false);
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("bench.contender", contender);
		List<String> exclusions = new ArrayList<>(excluded);
		if (!excluded.containsAll(TOMCAT_SERVLET_AUTO_CONFIGURATIONS)) {
			exclusions.addAll(JETTY_AUTO_CONFIGURATIONS);
		}
		if (!Arrays.asList(arguments).contains(REDIS_STORE_ARGUMENT)) {
			exclusions.addAll(DATA_REDIS_AUTO_CONFIGURATIONS);
		}
		defaults.put("spring.autoconfigure.exclude", String.join(",", exclusions));
		defaults.put("logging.level.root", "warn");
		defaults.put("spring.main.log-startup-info", "false");
		spring.setDefaultProperties(defaults);
		ConfigurableApplicationContext context = spring.run(arguments);
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		return new ServerHandle() {

			@Override
			public int port() {
				return port;
			}

			@Override
			public void close() {
				context.close();
			}

		};
	}

}
