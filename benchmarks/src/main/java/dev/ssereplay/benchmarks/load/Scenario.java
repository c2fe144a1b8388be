package dev.ssereplay.benchmarks.load;

/**
 * The scenarios, by the name used on the command line and in results.
 */
public enum Scenario {

	/** Fan-out throughput. */
	S1("fan-out throughput"),

	/** Latency under load. */
	S2("latency under load"),

	/** Many idle connections. */
	S3("idle connections"),

	/** Slow connections. */
	S4("slow connections"),

	/** Reconnect storm. */
	S5("reconnect storm"),

	/** Many streams, one subscriber each. */
	S6("many streams"),

	/** Finite token streams that drop once and complete. */
	S7("token streams");

	private final String title;

	Scenario(String title) {
		this.title = title;
	}

	/**
	 * Whether the scenario runs on a server of its own, started with settings
	 * that would change what the other scenarios measure: scenario 6 holds
	 * 10,000 connections, which need a larger heap on Tomcat, and scenario 7 needs
	 * a short time to live to see its streams expire. The others share one server.
	 * @return {@code true} for scenarios 6 and 7
	 */
	public boolean ownServer() {
		return this == S6 || this == S7;
	}

	/**
	 * Returns what the scenario measures.
	 * @return a short title
	 */
	public String title() {
		return this.title;
	}

}
