package dev.ssereplay.benchmarks.load;

import java.util.Map;

/**
 * The numbers of one run of one scenario against one server configuration.
 *
 * @param configuration which server, JDK and threads
 * @param scenario the scenario
 * @param repeat the repetition, from 1
 * @param metrics the numbers by {@link Metric} name; empty when it failed
 * @param error why it failed, or {@code null}
 */
public record Result(Configuration configuration, Scenario scenario, int repeat, Map<String, Double> metrics,
		String error) {
}
