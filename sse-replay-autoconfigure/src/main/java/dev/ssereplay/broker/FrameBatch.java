package dev.ssereplay.broker;

import java.io.IOException;
import java.util.Arrays;

/**
 * The frames one writer run collects for its connection, written together with
 * one flush, and what they count for: live deliveries, replayed events, a
 * heartbeat. Confined to the writer that fills it, and used again by its next
 * run, so that a run allocates nothing: the frames are handed to the connection
 * as they are, not joined.
 */
final class FrameBatch {

	private byte[] single;

	private byte[][] frames;

	private int count;

	private int size;

	private int live;

	private int replayed;

	private boolean heartbeat;

	/**
	 * Adds a live event's frame.
	 */
	void addLive(byte[] frame) {
		add(frame);
		this.live++;
	}

	/**
	 * Adds a frame read from the store.
	 */
	void addReplayed(byte[] frame) {
		add(frame);
		this.replayed++;
	}

	/**
	 * Adds a heartbeat, unless something else is written anyway.
	 */
	void addHeartbeatIfEmpty(byte[] frame) {
		if (this.count == 0) {
			add(frame);
			this.heartbeat = true;
		}
	}

	/**
	 * Adds a frame that is neither an event nor a heartbeat: the priming block,
	 * a retry field, a resync event.
	 */
	void add(byte[] frame) {
		if (this.count == 0) {
			this.single = frame;
		}
		else {
			if (this.frames == null) {
				this.frames = new byte[16][];
			}
			else if (this.count == this.frames.length) {
				this.frames = Arrays.copyOf(this.frames, this.count * 2);
			}
			if (this.count == 1) {
				this.frames[0] = this.single;
			}
			this.frames[this.count] = frame;
		}
		this.count++;
		this.size += frame.length;
	}

	boolean isEmpty() {
		return this.count == 0;
	}

	/**
	 * Returns the bytes collected so far.
	 */
	int size() {
		return this.size;
	}

	int live() {
		return this.live;
	}

	int replayed() {
		return this.replayed;
	}

	boolean heartbeat() {
		return this.heartbeat;
	}

	/**
	 * Counts what the batch held, once it is written.
	 */
	void countWritten(BrokerStatistics statistics) {
		if (this.live > 0) {
			statistics.delivered(this.live);
		}
		if (this.replayed > 0) {
			statistics.replayed(this.replayed);
		}
		if (this.heartbeat) {
			statistics.heartbeat();
		}
	}

	/**
	 * Writes the frames to a connection, in one call and with one flush.
	 * @param connection where to write
	 * @throws IOException when the peer is gone
	 */
	void writeTo(Connection connection) throws IOException {
		if (this.count == 1) {
			connection.write(this.single);
		}
		else {
			connection.write(this.frames, this.count);
		}
	}

	/**
	 * Empties the batch, keeping its array and letting go of the frames.
	 */
	void clear() {
		if (this.frames != null) {
			Arrays.fill(this.frames, 0, this.count, null);
		}
		this.single = null;
		this.count = 0;
		this.size = 0;
		this.live = 0;
		this.replayed = 0;
		this.heartbeat = false;
	}

}
