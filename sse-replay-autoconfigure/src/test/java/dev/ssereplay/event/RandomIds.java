package dev.ssereplay.event;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random event ids and random text that comes close to being one: the
 * boundaries of both components, and valid ids with one thing wrong.
 */
final class RandomIds {

	/** The largest epoch whose text has 13 characters and the smallest with 14. */
	private static final long[] EPOCH_EDGES = { 1, 35, 36, 36 * 36 - 1, 36 * 36, Long.MAX_VALUE - 1, Long.MAX_VALUE };

	/** The text form reads at most 18 digits of sequence, so the largest is 10^18 - 1. */
	static final long MAX_SEQUENCE = 999_999_999_999_999_999L;

	private static final String ASCII = "0123456789abcdefghijklmnopqrstuvwxyzAZ-+ _.";

	private RandomIds() {
	}

	/**
	 * Returns a valid id, its components spread over every magnitude.
	 * @param random the generator
	 * @return the id
	 */
	static EventId id(SplittableRandom random) {
		long epoch = switch (random.nextInt(4)) {
			case 0 -> EPOCH_EDGES[random.nextInt(EPOCH_EDGES.length)];
			case 1 -> random.nextLong(1, Long.MAX_VALUE); // as newEpoch() draws them, but seeded
			default -> random.nextLong(1, Long.MAX_VALUE >> random.nextInt(62));
		};
		long sequence = switch (random.nextInt(4)) {
			case 0 -> random.nextBoolean() ? 0 : MAX_SEQUENCE;
			default -> random.nextLong(0, (MAX_SEQUENCE >> random.nextInt(60)) | 1);
		};
		return new EventId(epoch, sequence);
	}

	/**
	 * Returns text that is often an id, often an id with one thing changed, and
	 * sometimes anything at all.
	 * @param random the generator
	 * @param asciiOnly whether to stay within the characters of an id and a few
	 * others
	 * @return the text, never {@code null}
	 */
	static String nearId(SplittableRandom random, boolean asciiOnly) {
		switch (random.nextInt(10)) {
			case 0:
				return id(random).toString();
			case 1:
				return asciiOnly ? ascii(random, random.nextInt(40)) : RandomText.any(random);
			case 2:
				return ascii(random, random.nextInt(1, 15)) + "-" + digits(random, random.nextInt(0, 21));
			default:
				StringBuilder text = new StringBuilder(id(random).toString());
				int changes = random.nextInt(1, 4);
				for (int i = 0; i < changes; i++) {
					change(random, text, asciiOnly);
				}
				return text.toString();
		}
	}

	private static void change(SplittableRandom random, StringBuilder text, boolean asciiOnly) {
		int at = random.nextInt(text.length() + 1);
		switch (random.nextInt(7)) {
			case 0 -> text.insert(at, character(random, asciiOnly));
			case 1 -> {
				if (at < text.length()) {
					text.deleteCharAt(at);
				}
			}
			case 2 -> {
				if (at < text.length()) {
					text.setCharAt(at, character(random, asciiOnly));
				}
			}
			case 3 -> text.insert(random.nextBoolean() ? 0 : text.indexOf("-") + 1, '0');
			case 4 -> text.insert(at, digits(random, random.nextInt(1, 20)));
			case 5 -> text.setLength(at);
			default -> text.replace(0, text.length(), text.toString().toUpperCase(Locale.ROOT));
		}
	}

	private static char character(SplittableRandom random, boolean asciiOnly) {
		if (asciiOnly || random.nextBoolean()) {
			return ASCII.charAt(random.nextInt(ASCII.length()));
		}
		return (char) random.nextInt(0x10000);
	}

	private static String ascii(SplittableRandom random, int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(ASCII.charAt(random.nextInt(ASCII.length())));
		}
		return text.toString();
	}

	private static String digits(SplittableRandom random, int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) ('0' + random.nextInt(10)));
		}
		return text.toString();
	}

}
