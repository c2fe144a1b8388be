package dev.ssereplay.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import dev.ssereplay.store.StoreUnavailableException;

/**
 * The cursor of the store's stream listing, which pages with {@code SCAN}: the
 * text a page hands out as its {@code next}, checked when it comes back. On one
 * Redis server it is the server's own SCAN cursor. On Redis Cluster the listing
 * scans every master in turn, in the order of the slots they hold, and the
 * cursor also names the master, by its first slot: {@code <slot>-<cursor>}.
 * Either way {@code "0"} is the start, and what follows the last step.
 * <p>
 * A master that a replica replaced while paging holds the same slots, so it is
 * scanned on from the same cursor, which may list some keys twice or miss some.
 */
final class ListingCursor {

	/** The cursor of the first step, and the one after the last. */
	static final String START = "0";

	private ListingCursor() {
	}

	/**
	 * Checks a cursor of the listing on one Redis server.
	 * @return the server's SCAN cursor
	 * @throws IllegalArgumentException when it is not one the listing returned
	 */
	static String onServer(String cursor) {
		if (!isNumber(cursor)) {
			throw notACursor(cursor);
		}
		return cursor;
	}

	/**
	 * Returns the listing's cursor after a step on one Redis server.
	 */
	static String afterServer(ScanCursor step) {
		return step.isFinished() ? START : step.getCursor();
	}

	/**
	 * Finds where a cursor of the listing on Redis Cluster goes on.
	 * @param masters the masters that hold slots, in any order
	 * @throws IllegalArgumentException when the cursor is not one the listing
	 * returned
	 * @throws StoreUnavailableException when no master holds slots, or none the
	 * slot the cursor names
	 */
	static OnCluster onCluster(String cursor, Collection<RedisClusterNode> masters) {
		List<RedisClusterNode> ordered = new ArrayList<>(masters);
		if (ordered.isEmpty()) {
			throw new StoreUnavailableException("The Redis Cluster has no master that holds slots", null);
		}
		ordered.sort(Comparator.comparingInt(ListingCursor::firstSlot));
		if (cursor.equals(START)) {
			return new OnCluster(ordered, 0, START);
		}
		int dash = cursor.indexOf('-');
		String slotText = (dash > 0) ? cursor.substring(0, dash) : "";
		String nodeCursor = cursor.substring(dash + 1);
		if (slotText.length() > 5 || !isNumber(slotText) || !isNumber(nodeCursor)
				|| Integer.parseInt(slotText) >= SlotHash.SLOT_COUNT) {
			throw notACursor(cursor);
		}
		int slot = Integer.parseInt(slotText);
		for (int i = 0; i < ordered.size(); i++) {
			if (ordered.get(i).hasSlot(slot)) {
				return new OnCluster(ordered, i, nodeCursor);
			}
		}
		throw new StoreUnavailableException("No master of the Redis Cluster holds slot " + slot, null);
	}

	private static int firstSlot(RedisClusterNode node) {
		int first = SlotHash.SLOT_COUNT;
		for (int slot : node.getSlots()) {
			first = Math.min(first, slot);
		}
		return first;
	}

	private static boolean isNumber(String text) {
		if (text.isEmpty() || text.length() > 20) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return false;
			}
		}
		return true;
	}

	private static IllegalArgumentException notACursor(String cursor) {
		return new IllegalArgumentException("'" + cursor + "' is not a cursor of this store's stream listing");
	}

	/**
	 * Where one step of the listing on Redis Cluster scans.
	 * @param masters the masters that hold slots, by their first slot
	 * @param index the index of the master to scan
	 * @param cursor the SCAN cursor on that master
	 */
	record OnCluster(List<RedisClusterNode> masters, int index, String cursor) {

		/**
		 * Returns the master to scan.
		 */
		RedisClusterNode master() {
			return this.masters.get(this.index);
		}

		/**
		 * Returns the listing's cursor after this step: on the same master while
		 * its scan goes on, then at the start of the next master, and
		 * {@link #START} after the last.
		 */
		String after(ScanCursor step) {
			if (!step.isFinished()) {
				return firstSlot(master()) + "-" + step.getCursor();
			}
			if (this.index + 1 < this.masters.size()) {
				return firstSlot(this.masters.get(this.index + 1)) + "-" + START;
			}
			return START;
		}

	}

}
