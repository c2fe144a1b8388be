package dev.ssereplay.event;

import java.util.SplittableRandom;

/**
 * Random text weighted towards what breaks an event stream: every kind of line
 * break, NUL, colons and spaces, field names, characters of one to four UTF-8
 * bytes, surrogate pairs, a byte order mark and Unicode's own line separators
 * (which are not line breaks in an event stream), and, only where asked for,
 * lone surrogates. Lengths run from 0 to a few thousand, mostly short.
 */
final class RandomText {

	private static final String[] SYNTAX = { ":", " ", ": ", "data", "id", "event", "retry", "data: ", "id: ",
			"event: ", "retry: ", "message", "\t" };

	private static final String[] SPECIAL = { "\uFEFF", "\uFFFD", "\u2028", "\u2029", "\u0085", "\uFFFF", "\uFFFE",
			"\u0080", "\u07FF", "\u0800", "\uD800\uDC00", "\uDBFF\uDFFF", "\uD83D\uDE00", "\u00E9", "\u20AC" };

	private static final String[] BREAKS = { "\n", "\r", "\r\n", "\n\r", "\r\r\n", "\n\n" };

	private static final String[] LONE_SURROGATES = { "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDC00\uD800" };

	private RandomText() {
	}

	/**
	 * Returns text that a single-line field (an event name, an id) accepts: no CR,
	 * LF or NUL, no lone surrogate.
	 * @param random the generator
	 * @return the text, possibly empty
	 */
	static String line(SplittableRandom random) {
		return text(random, false, false);
	}

	/**
	 * Returns text for event data: anything but a lone surrogate, with line breaks
	 * of every kind and NUL.
	 * @param random the generator
	 * @return the text, possibly empty
	 */
	static String multiline(SplittableRandom random) {
		return text(random, true, false);
	}

	/**
	 * Returns any Java string, lone surrogates included.
	 * @param random the generator
	 * @return the text, possibly empty
	 */
	static String any(SplittableRandom random) {
		return text(random, true, true);
	}

	/**
	 * Returns a length from 0 to a few thousand, mostly short.
	 * @param random the generator
	 * @return the length
	 */
	static int length(SplittableRandom random) {
		int bucket = random.nextInt(100);
		if (bucket < 45) {
			return random.nextInt(9);
		}
		return (bucket < 85) ? random.nextInt(101) : random.nextInt(3001);
	}

	/**
	 * Returns the text with everything outside printable ASCII escaped, for
	 * messages.
	 * @param text the text, may be {@code null}
	 * @return the escaped text in quotes, or {@code null}
	 */
	static String escape(String text) {
		if (text == null) {
			return "null";
		}
		StringBuilder escaped = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
				escaped.append(c);
			}
			else {
				escaped.append(String.format("\\u%04X", (int) c));
			}
		}
		return escaped.append('"').toString();
	}

	private static String text(SplittableRandom random, boolean breaks, boolean loneSurrogates) {
		int pieces = length(random);
		StringBuilder text = new StringBuilder(pieces * 2);
		for (int i = 0; i < pieces; i++) {
			switch (random.nextInt(12)) {
				case 0, 1, 2 -> text.append((char) random.nextInt(0x20, 0x7F));
				case 3 -> text.append(pick(random, SYNTAX));
				case 4 -> text.append((char) random.nextInt(0x80, 0x800));
				case 5 -> text.append(bmpOutsideSurrogates(random));
				case 6 -> text.append(pick(random, SPECIAL));
				case 7 -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
				case 8 -> text.append(control(random));
				case 9 -> text.append(breaks ? pick(random, BREAKS) : " ");
				case 10 -> text.append(breaks ? "\0" : "0");
				default -> text.append(loneSurrogates ? pick(random, LONE_SURROGATES) : "\uD834\uDD1E");
			}
		}
		return text.toString();
	}

	private static char bmpOutsideSurrogates(SplittableRandom random) {
		char c = (char) random.nextInt(0x800, 0x10000 - 0x800);
		return (c >= 0xD800) ? (char) (c + 0x800) : c;
	}

	// An ASCII control character other than CR, LF and NUL: those have their own pieces.
	private static char control(SplittableRandom random) {
		char c = (char) random.nextInt(1, 0x20);
		return (c == '\r' || c == '\n') ? '\u007F' : c;
	}

	private static String pick(SplittableRandom random, String[] choices) {
		return choices[random.nextInt(choices.length)];
	}

}
