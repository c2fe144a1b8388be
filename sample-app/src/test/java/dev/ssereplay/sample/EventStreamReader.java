package dev.ssereplay.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An event stream read as a test needs it: event by event, or to the end the
 * server gives it (a completed or deleted stream), each event with its id, name
 * and data as a browser would see them.
 */
final class EventStreamReader implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final Optional<Event> END = Optional.empty();

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<Optional<Event>> events = new LinkedBlockingQueue<>();

	private EventStreamReader(HttpResponse<InputStream> response) {
		this.response = response;
		Thread reader = new Thread(this::parse, "event-stream-reader");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Subscribes to a stream.
	 * @param uri the stream's URI
	 * @param lastEventId the position to resume after, or {@code null}
	 * @return the open stream, once the response's status is known
	 * @throws Exception when the request fails
	 */
	static EventStreamReader open(URI uri, String lastEventId) throws Exception {
		return open(HTTP, uri, lastEventId, Map.of());
	}

	/**
	 * Subscribes to a stream with a client and headers of the test's own, such as
	 * credentials, or a client that keeps a session's cookie.
	 * @param http the client to send the request with
	 * @param uri the stream's URI
	 * @param lastEventId the position to resume after, or {@code null}
	 * @param headers more request headers
	 * @return the open stream, once the response's status is known
	 * @throws Exception when the request fails
	 */
	static EventStreamReader open(HttpClient http, URI uri, String lastEventId, Map<String, String> headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		headers.forEach(request::header);
		return new EventStreamReader(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
	}

	/**
	 * Subscribes to a stream and reads it until the server ends the response.
	 * @param uri the stream's URI
	 * @param lastEventId the position to resume after, or {@code null}
	 * @param timeout how long the stream may take to end
	 * @return the status and every event, in order
	 * @throws Exception when the request fails or the stream does not end in time
	 */
	static Result readToEnd(URI uri, String lastEventId, Duration timeout) throws Exception {
		try (EventStreamReader reader = open(uri, lastEventId)) {
			return new Result(reader.status(), reader.rest(timeout));
		}
	}

	/**
	 * Returns the status of the response.
	 * @return the HTTP status
	 */
	int status() {
		return this.response.statusCode();
	}

	/**
	 * Returns the next event.
	 * @param timeout how long to wait for it
	 * @return the event, or {@code null} when the server ended the response
	 * @throws TimeoutException when nothing came in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	Event next(Duration timeout) throws TimeoutException, InterruptedException {
		Optional<Event> next = this.events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
		if (next == null) {
			throw new TimeoutException("No event and no end within " + timeout);
		}
		if (next.isEmpty()) {
			this.events.add(END);
		}
		return next.orElse(null);
	}

	/**
	 * Returns the events until the server ends the response.
	 * @param timeout how long the response may take to end
	 * @return the events, in order
	 * @throws TimeoutException when the response did not end in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	List<Event> rest(Duration timeout) throws TimeoutException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Event> rest = new ArrayList<>();
		Event event;
		while ((event = next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) != null) {
			rest.add(event);
		}
		return rest;
	}

	@Override
	public void close() throws IOException {
		this.response.body().close();
	}

	private void parse() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			String id = null;
			String name = null;
			StringBuilder data = null;
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.isEmpty()) {
					if (data != null) {
						this.events.add(Optional.of(new Event(id, (name != null) ? name : "message", data.toString())));
					}
					name = null;
					data = null;
					continue;
				}
				int colon = line.indexOf(':');
				String field = (colon < 0) ? line : line.substring(0, colon);
				String value = (colon < 0) ? "" : line.substring(colon + 1);
				if (value.startsWith(" ")) {
					value = value.substring(1);
				}
				switch (field) {
					case "id" -> id = value;
					case "event" -> name = value;
					case "data" -> data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
					default -> {
						// retry: and comments
					}
				}
			}
		}
		catch (IOException ex) {
			// Closed by the test, or cut off: either way the end of what it reads.
		}
		finally {
			this.events.add(END);
		}
	}

	/**
	 * What a read to the end got.
	 * @param status the HTTP status
	 * @param events the events (blocks with data), in order
	 */
	record Result(int status, List<Event> events) {

		List<Event> named(String name) {
			return this.events.stream().filter((event) -> event.name().equals(name)).toList();
		}

		Event last() {
			return this.events.get(this.events.size() - 1);
		}

	}

	/**
	 * One event, as a browser dispatches it.
	 * @param id its id (the last id the stream set)
	 * @param name its name ({@code message} when unnamed)
	 * @param data its data
	 */
	record Event(String id, String name, String data) {
	}

}
