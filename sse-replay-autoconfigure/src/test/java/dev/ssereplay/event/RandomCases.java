package dev.ssereplay.event;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property over many seeded random cases. Each case has a seed of its own,
 * drawn afresh on every run so that runs explore different inputs; a failure
 * names the seed, and {@code -Dsse-replay.seed=<seed>} runs that one case again.
 */
final class RandomCases {

	private static final String SEED_PROPERTY = "sse-replay.seed";

	private RandomCases() {
	}

	/**
	 * Checks a property over random cases.
	 * @param cases how many cases to run when no seed is given
	 * @param property the property, reading all its randomness from the generator
	 * it is given
	 */
	static void check(int cases, Consumer<SplittableRandom> property) {
		String replay = System.getProperty(SEED_PROPERTY);
		if (replay != null) {
			run(Long.parseLong(replay.trim()), "the case", property);
			return;
		}
		SplittableRandom seeds = new SplittableRandom();
		for (int i = 1; i <= cases; i++) {
			run(seeds.nextLong(), "case " + i + " of " + cases, property);
		}
	}

	private static void run(long seed, String which, Consumer<SplittableRandom> property) {
		try {
			property.accept(new SplittableRandom(seed));
		}
		catch (AssertionError | RuntimeException ex) {
			throw new AssertionError("Property failed for " + which + " with seed " + seed + " (run it again with -D"
					+ SEED_PROPERTY + "=" + seed + "): " + abbreviate(ex.getMessage()), ex);
		}
	}

	// Random inputs can be long; the cause keeps the whole message.
	private static String abbreviate(String message) {
		return (message != null && message.length() > 2000) ? message.substring(0, 2000) + "..." : message;
	}

}
