package dev.ssereplay.broker;

/**
 * Who a connection belongs to, for the per-client connection limits.
 *
 * @param address the remote address, or {@code null} when unknown
 * @param principal the authenticated user's name, or {@code null} for none
 */
public record Client(String address, String principal) {

	/** A client about whom nothing is known: only the total limit applies. */
	public static final Client UNKNOWN = new Client(null, null);

}
