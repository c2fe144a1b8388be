package dev.ssereplay.benchmarks.server;

/**
 * The data of the events a server publishes itself when the load generator asks
 * it to (scenarios 6 and 7), in the form the load generator reads from every
 * event: {@code "<sequence> <nanos> <padding>"}.
 * <p>
 * The nanoseconds are {@code System.nanoTime()} at the moment of publishing
 * minus the load generator's origin, which it sends with the request. On Linux
 * {@code System.nanoTime()} reads the one monotonic clock of the machine in
 * every process, so the load generator times each event on the clock it
 * published with.
 */
public final class EventData {

	private EventData() {
	}

	/**
	 * Returns the data of an event published now.
	 * @param sequence the number the load generator counts the event by
	 * @param origin the load generator's time base, from its {@code System.nanoTime()}
	 * @param bytes the length of the data, padded with {@code x}; longer when the
	 * numbers need more
	 * @return the data
	 */
	public static String now(long sequence, long origin, int bytes) {
		StringBuilder data = new StringBuilder(Math.max(bytes, 40));
		data.append(sequence).append(' ').append(Math.max(0, System.nanoTime() - origin)).append(' ');
		while (data.length() < bytes) {
			data.append('x');
		}
		return data.toString();
	}

}
