package dev.ssereplay.store.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.junit.jupiter.api.Test;

import dev.ssereplay.store.StoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Which failures make calls fail fast, for how long, and for which node. Without
 * Redis: the clock, the cluster's masters and the answers to PINGs are the
 * test's.
 */
class NodeHealthTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private long now = 1_000 * SECOND;

	private final Set<String> currentMasters = new HashSet<>();

	private final AtomicInteger topologyRefreshes = new AtomicInteger();

	// The PINGs sent after a timeout, by node id ("redis" for Redis as a whole).
	private final List<String> probed = new ArrayList<>();

	// How they are answered: by default, not within the timeout.
	private Supplier<CompletableFuture<Void>> pings = () -> CompletableFuture
		.failedFuture(new RedisCommandTimeoutException("Command timed out"));

	private final NodeHealth health = new NodeHealth(() -> this.currentMasters,
			this.topologyRefreshes::incrementAndGet, (nodeId) -> {
				this.probed.add((nodeId != null) ? nodeId : "redis");
				return this.pings.get();
			}, () -> this.now);

	@Test
	void redisThatAnswersLetsEveryCallThrough() {
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		this.health.reachable(this.health.server());
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		assertThat(this.health.isReachable()).isTrue();
	}

	@Test
	void aTimeoutFailsCallsFastThenLetsOneThroughEverySecond() {
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.health.isReachable()).isFalse();
		this.now += SECOND / 2;
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> this.health.enter("append"))
			.withMessage("Could not append: Redis has been unreachable for 0 s (RedisCommandTimeoutException: "
					+ "Command timed out; a PING was not answered either); it is tried again every second");
		this.now += SECOND / 2;
		// One call finds out whether Redis is back; the others still fail fast.
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> this.health.enter("read"))
			.withMessageContaining("unreachable for 1 s");
		this.health.reachable(this.health.server());
		assertThatNoException().isThrownBy(() -> this.health.enter("read"));
		assertThat(this.health.isReachable()).isTrue();
	}

	@Test
	void aTimeoutAloneLetsCallsGoOnWhileAPingFindsOut() {
		CompletableFuture<Void> ping = new CompletableFuture<>();
		this.pings = () -> ping;
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.probed).containsExactly("redis");
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		assertThat(this.health.isReachable()).isTrue();
		// A second timeout meanwhile sends no second PING.
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.probed).hasSize(1);
		ping.complete(null);
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		assertThat(this.health.isReachable()).isTrue();
		// The next timeout is looked into again.
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.probed).hasSize(2);
	}

	@Test
	void aTimeoutThatAPingConfirmsFailsCallsFastFromTheTimeout() {
		CompletableFuture<Void> ping = new CompletableFuture<>();
		this.pings = () -> ping;
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("Command timed out"));
		this.now += 2 * SECOND;
		ping.completeExceptionally(new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.health.isReachable()).isFalse();
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> this.health.enter("append"))
			.withMessageContaining("unreachable for 2 s");
	}

	@Test
	void aConnectionThatCannotBeMadeFailsCallsFastWithoutAPing() {
		this.health.failed(this.health.server(), new RedisConnectionException("Connection refused"));
		assertThat(this.probed).isEmpty();
		assertThat(this.health.isReachable()).isFalse();
	}

	@Test
	void anOutageIsTimedFromItsFirstFailure() {
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("first"));
		this.now += 5 * SECOND;
		this.health.failed(this.health.server(), new RedisCommandTimeoutException("again"));
		assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(() -> this.health.enter("append"))
			.withMessageContaining("unreachable for 5 s (RedisCommandTimeoutException: again)");
	}

	@Test
	void anErrorThatRedisAnsweredDoesNotMakeItUnreachable() {
		this.health.failed(this.health.server(), new RedisCommandExecutionException("WRONGTYPE Operation"));
		assertThat(this.health.isReachable()).isTrue();
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
	}

	@Test
	void aServerStillLoadingItsDataIsUnreachable() {
		this.health.failed(this.health.server(),
				new RedisCommandExecutionException("LOADING Redis is loading the dataset in memory"));
		assertThat(this.health.isReachable()).isFalse();
	}

	@Test
	void aFailureReportedToNothingChangesNothing() {
		this.health.failed(null, new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.health.isReachable()).isTrue();
		assertThat(this.topologyRefreshes).hasValue(0);
	}

	@Test
	void aConnectionThatIsDownIsUnreachableUntilACallIsAnswered() {
		this.health.connectionDown();
		assertThat(this.health.isReachable()).isFalse();
		// Nothing was sent, so nothing fails fast: the call finds the connection down.
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		this.health.reachable(this.health.server());
		assertThat(this.health.isReachable()).isTrue();
	}

	@Test
	void offAClusterCallsAreReportedToRedisAsAWhole() {
		assertThat(this.health.enter("append", null)).isSameAs(this.health.server());
	}

	@Test
	void aMasterThatFailsFailsOnlyTheCallsOnItsOwnSlotsAndRefreshesTheTopology() {
		RedisClusterNode first = master("a", 7001, 0);
		RedisClusterNode second = master("b", 7002, 8192);
		this.currentMasters.addAll(Set.of("a", "b"));
		NodeHealth.Node target = this.health.enter("append", first);
		this.health.failed(target, new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.topologyRefreshes).hasValue(1);
		assertThat(this.health.isReachable()).isFalse();
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> this.health.enter("append", first))
			.withMessageStartingWith("Could not append: the Redis Cluster master 10.0.0.1:7001 has been unreachable");
		assertThatNoException().isThrownBy(() -> this.health.enter("append"));
		assertThat(this.health.enter("append", second)).isNotSameAs(target);
		// A replica took over its slots: the master that failed is judged no more.
		this.currentMasters.remove("a");
		assertThat(this.health.isReachable()).isTrue();
	}

	@Test
	void aMasterThatTimesOutIsPingedItselfAndTheTopologyIsReadOnlyIfItDoesNotAnswer() {
		RedisClusterNode first = master("a", 7001, 0);
		this.currentMasters.add("a");
		CompletableFuture<Void> ping = new CompletableFuture<>();
		this.pings = () -> ping;
		NodeHealth.Node target = this.health.enter("append", first);
		this.health.failed(target, new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.probed).containsExactly("a");
		assertThat(this.topologyRefreshes).hasValue(0);
		assertThatNoException().isThrownBy(() -> this.health.enter("append", first));
		ping.completeExceptionally(new RedisCommandTimeoutException("Command timed out"));
		assertThat(this.topologyRefreshes).hasValue(1);
		assertThatExceptionOfType(StoreUnavailableException.class)
			.isThrownBy(() -> this.health.enter("append", first));
	}

	@Test
	void aMasterThatAnswersAgainIsReachable() {
		RedisClusterNode first = master("a", 7001, 0);
		this.currentMasters.add("a");
		NodeHealth.Node target = this.health.enter("append", first);
		this.health.failed(target, new RedisCommandTimeoutException("Command timed out"));
		this.now += SECOND;
		assertThat(this.health.enter("append", first)).isSameAs(target);
		this.health.reachable(target);
		assertThat(this.health.isReachable()).isTrue();
		assertThatNoException().isThrownBy(() -> this.health.enter("append", first));
	}

	private static RedisClusterNode master(String id, int port, int slot) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setUri(RedisURI.create("10.0.0.1", port));
		node.setSlots(List.of(slot));
		node.setFlags(Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
		return node;
	}

}
