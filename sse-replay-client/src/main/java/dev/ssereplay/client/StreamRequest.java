package dev.ssereplay.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request that opens each connection of an {@link SseClient}: its address,
 * the application's headers, the event-stream defaults, the position as a
 * {@code Last-Event-ID} header, and which positions such a header can carry.
 * Immutable.
 */
final class StreamRequest {

	private final URI uri;

	private final List<Map.Entry<String, String>> headers;

	private final Duration readTimeout;

	StreamRequest(URI uri, List<Map.Entry<String, String>> headers, Duration readTimeout) {
		this.uri = uri;
		this.headers = List.copyOf(headers);
		this.readTimeout = readTimeout;
	}

	/**
	 * Returns the request for one connection.
	 * @param lastEventId the position to resume from; empty for none
	 */
	HttpRequest build(String lastEventId) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.uri).GET();
		boolean accept = false;
		boolean cacheControl = false;
		for (Map.Entry<String, String> header : this.headers) {
			request.header(header.getKey(), header.getValue());
			accept |= header.getKey().equalsIgnoreCase("Accept");
			cacheControl |= header.getKey().equalsIgnoreCase("Cache-Control");
		}
		if (!accept) {
			request.header("Accept", "text/event-stream");
		}
		if (!cacheControl) {
			request.header("Cache-Control", "no-cache");
		}
		if (!lastEventId.isEmpty()) {
			request.header("Last-Event-ID", lastEventId);
		}
		if (!this.readTimeout.isZero()) {
			// Bounds connecting and waiting for the answer's headers, so that the
			// HttpClient gives up on the exchange itself; the connection's own read
			// timeout covers the body.
			request.timeout(this.readTimeout);
		}
		return request.build();
	}

	/**
	 * Checks that an id can be sent as it is in a {@code Last-Event-ID} header.
	 * @return the id
	 * @throws IllegalArgumentException when it cannot
	 */
	static String checkLastEventId(String lastEventId) {
		Objects.requireNonNull(lastEventId, "lastEventId");
		String problem = unsendable(lastEventId);
		if (problem != null) {
			throw new IllegalArgumentException(
					"Last event id '" + lastEventId + "' cannot be sent in a Last-Event-ID header: " + problem);
		}
		return lastEventId;
	}

	/**
	 * Says why an id cannot be sent as it is in a {@code Last-Event-ID} header.
	 * @return the reason, or {@code null} when it can be sent
	 */
	static String unsendable(String id) {
		// The HttpClient writes header values as ASCII and trims their spaces: anything
		// else would reach the server changed, and a position that is not the one seen
		// is worse than none.
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c < 0x20 || c > 0x7E) {
				return "it has the character U+" + String.format("%04X", (int) c)
						+ "; only printable ASCII can be sent";
			}
		}
		if (!id.isEmpty() && (id.charAt(0) == ' ' || id.charAt(id.length() - 1) == ' ')) {
			return "it starts or ends with a space, which the header would drop";
		}
		return null;
	}

}
