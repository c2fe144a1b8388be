package dev.ssereplay.store.redis;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;

import dev.ssereplay.store.StoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The stream listing's cursor: on one server the server's own, on Redis Cluster
 * the master by its first slot and the cursor on it, every master in turn.
 * Without Redis: the masters are made up.
 */
class ListingCursorTests {

	private final RedisClusterNode low = master("low", 0, 5460);

	private final RedisClusterNode middle = master("middle", 5461, 10922);

	private final RedisClusterNode high = master("high", 10923, 16383);

	@Test
	void onOneServerTheCursorIsTheServers() {
		assertThat(ListingCursor.onServer("0")).isEqualTo("0");
		assertThat(ListingCursor.onServer("1234")).isEqualTo("1234");
		assertThat(ListingCursor.afterServer(ScanCursor.of("17"))).isEqualTo("17");
		assertThat(ListingCursor.afterServer(ScanCursor.FINISHED)).isEqualTo("0");
	}

	@Test
	void onOneServerACursorThatIsNotANumberIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> ListingCursor.onServer("5461-0"))
			.withMessage("'5461-0' is not a cursor of this store's stream listing");
		assertThatIllegalArgumentException().isThrownBy(() -> ListingCursor.onServer(""));
		assertThatIllegalArgumentException().isThrownBy(() -> ListingCursor.onServer("1".repeat(21)));
	}

	@Test
	void onAClusterTheListingStartsOnTheMasterOfTheFirstSlots() {
		ListingCursor.OnCluster at = ListingCursor.onCluster("0", List.of(this.high, this.low, this.middle));
		assertThat(at.master()).isSameAs(this.low);
		assertThat(at.cursor()).isEqualTo("0");
	}

	@Test
	void onAClusterTheListingGoesOnOnOneMasterThenTheNextAndEndsAfterTheLast() {
		List<RedisClusterNode> masters = List.of(this.middle, this.high, this.low);
		ListingCursor.OnCluster at = ListingCursor.onCluster("0", masters);
		String next = at.after(ScanCursor.of("42"));
		assertThat(next).isEqualTo("0-42");
		at = ListingCursor.onCluster(next, masters);
		assertThat(at.master()).isSameAs(this.low);
		assertThat(at.cursor()).isEqualTo("42");
		next = at.after(ScanCursor.FINISHED);
		assertThat(next).isEqualTo("5461-0");
		at = ListingCursor.onCluster(next, masters);
		assertThat(at.master()).isSameAs(this.middle);
		next = at.after(ScanCursor.FINISHED);
		assertThat(next).isEqualTo("10923-0");
		at = ListingCursor.onCluster(next, masters);
		assertThat(at.master()).isSameAs(this.high);
		assertThat(at.after(ScanCursor.FINISHED)).isEqualTo("0");
	}

	@Test
	void onAClusterTheCursorFindsTheMasterThatHoldsItsSlotNow() {
		// A master that took over the slots of the one the cursor was made on.
		RedisClusterNode replica = master("replica", 5461, 10922);
		ListingCursor.OnCluster at = ListingCursor.onCluster("5461-99", List.of(this.low, replica, this.high));
		assertThat(at.master()).isSameAs(replica);
		assertThat(at.cursor()).isEqualTo("99");
	}

	@Test
	void onAClusterACursorThisListingDidNotReturnIsRejected() {
		List<RedisClusterNode> masters = List.of(this.low, this.middle, this.high);
		for (String cursor : List.of("not-a-cursor", "42", "-42", "16384-0", "123456-0", "5461-", "5461-x", "x-0")) {
			assertThatIllegalArgumentException().as(cursor)
				.isThrownBy(() -> ListingCursor.onCluster(cursor, masters))
				.withMessage("'" + cursor + "' is not a cursor of this store's stream listing");
		}
	}

	@Test
	void onAClusterWithoutAMasterForTheSlotTheListingCannotGoOn() {
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> ListingCursor.onCluster("5461-0", List.of(this.low, this.high)))
			.withMessage("No master of the Redis Cluster holds slot 5461");
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> ListingCursor.onCluster("0", List.of()))
			.withMessage("The Redis Cluster has no master that holds slots");
	}

	private static RedisClusterNode master(String id, int firstSlot, int lastSlot) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setUri(RedisURI.create("localhost", 7000));
		node.setSlots(IntStream.rangeClosed(firstSlot, lastSlot).boxed().toList());
		node.setFlags(Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
		return node;
	}

}
