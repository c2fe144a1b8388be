package dev.ssereplay.broker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection slots of a broker: a connection takes one under every limit
 * (in total, per remote address, per user) or none, and gives it back when it
 * ends. A refusal is counted by the limit that refused it.
 * <p>
 * Thread-safe.
 */
final class ConnectionSlots {

	private final BrokerOptions options;

	private final BrokerStatistics statistics;

	private final AtomicInteger connections = new AtomicInteger();

	private final ClientCounts perAddress = new ClientCounts();

	private final ClientCounts perPrincipal = new ClientCounts();

	/**
	 * Creates the slots of a broker, all free.
	 * @param options where the limits are set
	 * @param statistics where refusals are counted
	 */
	ConnectionSlots(BrokerOptions options, BrokerStatistics statistics) {
		this.options = options;
		this.statistics = statistics;
	}

	/**
	 * Takes a slot for a client's connection under every limit, or none.
	 * @param client who the connection belongs to
	 * @throws TooManyConnectionsException when a limit is reached, naming it
	 */
	void acquire(Client client) {
		ConnectionLimit refused = null;
		if (this.connections.incrementAndGet() > this.options.maxConnections()) {
			refused = ConnectionLimit.TOTAL;
		}
		else if (!this.perAddress.tryAcquire(client.address(), this.options.maxConnectionsPerAddress())) {
			refused = ConnectionLimit.PER_ADDRESS;
		}
		else if (!this.perPrincipal.tryAcquire(client.principal(), this.options.maxConnectionsPerPrincipal())) {
			this.perAddress.release(client.address(), this.options.maxConnectionsPerAddress());
			refused = ConnectionLimit.PER_PRINCIPAL;
		}
		if (refused != null) {
			this.connections.decrementAndGet();
			this.statistics.rejected(refused);
			int maximum = switch (refused) {
				case TOTAL -> this.options.maxConnections();
				case PER_ADDRESS -> this.options.maxConnectionsPerAddress();
				case PER_PRINCIPAL -> this.options.maxConnectionsPerPrincipal();
			};
			throw new TooManyConnectionsException(refused, maximum);
		}
	}

	/**
	 * Gives back the slot that {@link #acquire} took for a client's connection.
	 * @param client who the connection belongs to
	 */
	void release(Client client) {
		this.connections.decrementAndGet();
		this.perAddress.release(client.address(), this.options.maxConnectionsPerAddress());
		this.perPrincipal.release(client.principal(), this.options.maxConnectionsPerPrincipal());
	}

	/**
	 * Returns the slots taken.
	 * @return connections
	 */
	int taken() {
		return this.connections.get();
	}

}
