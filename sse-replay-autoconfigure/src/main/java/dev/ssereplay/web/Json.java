package dev.ssereplay.web;

/**
 * The little JSON sse-replay writes itself: string contents, escaped.
 */
final class Json {

	private Json() {
	}

	/**
	 * Appends text as the contents of a JSON string, without the quotes.
	 * @param text the text
	 * @param into where it goes
	 */
	static void escape(String text, StringBuilder into) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> into.append("\\\"");
				case '\\' -> into.append("\\\\");
				case '\n' -> into.append("\\n");
				case '\r' -> into.append("\\r");
				case '\t' -> into.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x2028 || c == 0x2029) {
						into.append(String.format("\\u%04x", (int) c));
					}
					else {
						into.append(c);
					}
				}
			}
		}
	}

}
