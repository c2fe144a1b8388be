package dev.ssereplay.event;

/**
 * The rule for stream names: 1 to 128 characters from {@code [A-Za-z0-9._:-]},
 * which keeps names safe in URLs, log lines and Redis keys.
 */
public final class StreamNames {

	/** The longest stream name accepted. */
	public static final int MAX_LENGTH = 128;

	private StreamNames() {
	}

	/**
	 * Whether the name is a valid stream name.
	 * @param name a candidate, may be {@code null}
	 * @return {@code true} when valid
	 */
	public static boolean isValid(String name) {
		if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == ':' || c == '-';
			if (!ok) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Checks a stream name.
	 * @param name the name
	 * @return the name
	 * @throws InvalidStreamNameException when it is not valid, quoting it
	 */
	public static String check(String name) {
		if (!isValid(name)) {
			throw new InvalidStreamNameException(name);
		}
		return name;
	}

	/**
	 * Renders an untrusted value for a message: control characters escaped, long
	 * values cut.
	 * @param value the value, may be {@code null}
	 * @return a printable, bounded rendering in quotes, or {@code null}
	 */
	static String quote(String value) {
		if (value == null) {
			return "null";
		}
		StringBuilder quoted = new StringBuilder("'");
		int limit = Math.min(value.length(), 64);
		for (int i = 0; i < limit; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		if (value.length() > limit) {
			quoted.append("...' (" + value.length() + " characters)");
			return quoted.toString();
		}
		return quoted.append('\'').toString();
	}

}
