package dev.ssereplay.store;

import java.util.List;

/**
 * A page of the streams a store holds, in the store's own order.
 *
 * @param streams the streams of this page
 * @param next where the following page starts, to pass back to
 * {@link ReplayStore#streams(String, int)}; {@code null} after the last page
 */
public record StreamPage(List<StreamSummary> streams, String next) {
}
