package dev.ssereplay.benchmarks.server;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin endpoints of the Spring contenders; an annotated controller, so the
 * same class serves on Spring MVC and on WebFlux.
 */
@RestController
public final class AdminController {

	private final ApplicationContext context;

	private final Environment environment;

	/**
	 * Creates the controller.
	 * @param context the application, whose web server is reported
	 * @param environment where the contender id and the threading are read
	 */
	public AdminController(ApplicationContext context, Environment environment) {
		this.context = context;
		this.environment = environment;
	}

	/**
	 * Describes the running server.
	 * @return see {@link AdminStats#info}
	 */
	@GetMapping(path = "/admin/info", produces = MediaType.APPLICATION_JSON_VALUE)
	public String info() {
		String server = (this.context instanceof WebServerApplicationContext web)
				? web.getWebServer().getClass().getSimpleName() : "unknown";
		return AdminStats.info(this.environment.getProperty("bench.contender", "unknown"), server,
				this.environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false));
	}

	/**
	 * Collects garbage and reports memory.
	 * @return see {@link AdminStats#heap}
	 */
	@GetMapping(path = "/admin/heap", produces = MediaType.APPLICATION_JSON_VALUE)
	public String heap() {
		return AdminStats.heap();
	}

}
