package dev.ssereplay.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A page of the streams a store holds, in the store's own order.
 *
 * @param streams the streams of this page
 * @param next where the following page starts, to pass back to
 * {@link ReplayStore#streams(String, int)}; {@code null} after the last page
 */
public record StreamPage(List<StreamSummary> streams, String next) {

	/**
	 * Returns the first names after a start, in order, without sorting them all:
	 * for a store that pages in the order of names.
	 * @param names the names, in any order
	 * @param from the name the page starts after, or {@code null} for the first
	 * @param limit the most names returned
	 */
	static List<String> namesAfter(String[] names, String from, int limit) {
		PriorityQueue<String> page = new PriorityQueue<>(limit + 1, Comparator.reverseOrder());
		for (String name : names) {
			if (from == null || name.compareTo(from) > 0) {
				page.offer(name);
				if (page.size() > limit) {
					page.poll();
				}
			}
		}
		List<String> selected = new ArrayList<>(page);
		selected.sort(null);
		return selected;
	}

}
