package dev.ssereplay.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.ssereplay.autoconfigure.SseReplayTomcatAutoConfiguration.IncompatibleTomcatProtocolException;

/**
 * Explains a startup that failed because
 * {@code sse.replay.tomcat.response-buffer} is set and the embedded Tomcat uses
 * a protocol other than its default one.
 */
class SseReplayTomcatFailureAnalyzer extends AbstractFailureAnalyzer<IncompatibleTomcatProtocolException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, IncompatibleTomcatProtocolException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
