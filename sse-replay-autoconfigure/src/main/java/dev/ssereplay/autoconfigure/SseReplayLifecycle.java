package dev.ssereplay.autoconfigure;

import org.springframework.context.SmartLifecycle;

import dev.ssereplay.broker.Broker;

/**
 * Ends every event stream when the application shuts down, before the web
 * server's graceful shutdown waits for requests to finish: an event stream never
 * finishes by itself, so it would hold the shutdown for its whole timeout. Clients
 * reconnect with their last id, to another instance or to this one when it is
 * back, and lose nothing while history lasts.
 */
final class SseReplayLifecycle implements SmartLifecycle {

	private final Broker broker;

	private volatile boolean running;

	SseReplayLifecycle(Broker broker) {
		this.broker = broker;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.broker.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Stops before the web server's graceful shutdown (a lower phase).
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
