package dev.ssereplay.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.ssereplay.autoconfigure.SseReplayRedisAutoConfiguration.RedisStoreSetupException;

/**
 * Explains a startup that failed because {@code sse.replay.store.type} is
 * {@code redis} and the Redis store could not be set up.
 */
class SseReplayRedisFailureAnalyzer extends AbstractFailureAnalyzer<RedisStoreSetupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisStoreSetupException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
