package dev.ssereplay.benchmarks.load;

/**
 * The five scenarios, by the name used on the command line and in results.
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
	S5("reconnect storm");

	private final String title;

	Scenario(String title) {
		this.title = title;
	}

	/**
	 * Returns what the scenario measures.
	 * @return a short title
	 */
	public String title() {
		return this.title;
	}

}
