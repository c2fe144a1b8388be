package dev.ssereplay.autoconfigure;

import java.util.concurrent.Executor;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.ssereplay.broker.Broker;
import dev.ssereplay.broker.BrokerOptions;
import dev.ssereplay.broker.ElasticWriterPool;
import dev.ssereplay.broker.SubscriptionListener;
import dev.ssereplay.event.JacksonPayloadSerializer;
import dev.ssereplay.event.PayloadSerializer;
import dev.ssereplay.store.InMemoryReplayStore;
import dev.ssereplay.store.ReplayStore;
import dev.ssereplay.web.SseReplay;
import dev.ssereplay.web.SseReplayExceptionHandler;
import dev.ssereplay.web.SocketCloser;
import dev.ssereplay.web.SseReplayReturnValueHandler;
import dev.ssereplay.web.SubscriptionAuthorizer;

/**
 * Auto-configuration for sse-replay in a servlet web application: the replay
 * store, the broker and its writer executor, and the {@link SseReplay} entry
 * point.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SseEmitter.class)
@EnableConfigurationProperties(SseReplayProperties.class)
public final class SseReplayAutoConfiguration {

	/** Name of the executor bean that runs subscriber writers. */
	public static final String WRITER_EXECUTOR_BEAN_NAME = "sseReplayWriterExecutor";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Broker sseReplayBroker(ReplayStore store, SseReplayProperties properties,
			@org.springframework.beans.factory.annotation.Qualifier(WRITER_EXECUTOR_BEAN_NAME) Executor writers,
			ObjectProvider<SubscriptionListener> listeners) {
		SseReplayConnectionProperties connection = properties.getConnection();
		BrokerOptions options = BrokerOptions.builder()
			.queueDepth(connection.getQueueDepth())
			.slowPolicy(connection.getSlowPolicy())
			.heartbeatInterval(properties.getHeartbeat().getInterval())
			.retry(properties.getRetry())
			.resyncEventName(properties.getResyncEvent())
			.maxConnections(properties.getMaxConnections())
			.maxConnectionsPerAddress(properties.getMaxConnectionsPerAddress())
			.maxConnectionsPerPrincipal(properties.getMaxConnectionsPerPrincipal())
			.replayBatchSize(connection.getReplayBatchSize())
			.stallThreshold(properties.getWriter().getStallThreshold())
			.startTimeout(connection.getStartTimeout())
			.listenerQueueDepth(properties.getListener().getQueueDepth())
			.build();
		Broker broker = new Broker(store, options, writers);
		listeners.orderedStream().forEach(broker::addSubscriptionListener);
		return broker;
	}

	@Bean
	SseReplayLifecycle sseReplayLifecycle(Broker broker) {
		return new SseReplayLifecycle(broker);
	}

	@Bean
	@ConditionalOnMissingBean
	SseReplay sseReplay(Broker broker, ObjectProvider<PayloadSerializer> serializer,
			SseReplayProperties properties, ObjectProvider<SubscriptionAuthorizer> authorizer) {
		return new SseReplay(broker, serializer.getIfAvailable(), properties.getConnectionTimeout(),
				properties.getMaxEventSize().toBytes(), properties.getCompleteEvent(), authorizer.getIfUnique());
	}

	@Bean
	@ConditionalOnMissingBean
	SseReplayExceptionHandler sseReplayExceptionHandler() {
		return new SseReplayExceptionHandler();
	}

	/**
	 * Serves the emitters of {@link SseReplay#subscribe} with non-blocking output.
	 * @param socketCloser the server's {@link SocketCloser}, if it has one
	 * @return the post-processor that installs the return value handler
	 */
	@Bean
	@ConditionalOnProperty(name = "sse.replay.writer.non-blocking", havingValue = "true", matchIfMissing = true)
	static BeanPostProcessor sseReplayReturnValueHandlerInstaller(ObjectProvider<SocketCloser> socketCloser) {
		return new ReturnValueHandlerInstaller(socketCloser);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "sse.replay.store.type", havingValue = "memory", matchIfMissing = true)
	static class InMemoryStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(ReplayStore.class)
		InMemoryReplayStore sseReplayStore(SseReplayProperties properties) {
			SseReplayStoreProperties store = properties.getStore();
			return new InMemoryReplayStore(store.getMaxEventsPerStream(), store.getMaxBytes().toBytes(),
					store.getTimeToLive());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(name = WRITER_EXECUTOR_BEAN_NAME)
	static class WriterExecutorConfiguration {

		@Bean(name = WRITER_EXECUTOR_BEAN_NAME)
		@ConditionalOnThreading(Threading.VIRTUAL)
		VirtualThreadTaskExecutor sseReplayVirtualWriterExecutor() {
			return new VirtualThreadTaskExecutor("sse-replay-writer-");
		}

		@Bean(name = WRITER_EXECUTOR_BEAN_NAME, destroyMethod = "close")
		@ConditionalOnThreading(Threading.PLATFORM)
		ElasticWriterPool sseReplayWriterExecutor(SseReplayProperties properties) {
			SseReplayWriterProperties writer = properties.getWriter();
			int threads = (writer.getThreads() > 0) ? writer.getThreads()
					: Math.max(2, Runtime.getRuntime().availableProcessors());
			return new ElasticWriterPool(threads, writer.getMaxExtraThreads());
		}

	}

	/**
	 * Puts {@link SseReplayReturnValueHandler} in front of Spring MVC's emitter
	 * handling in every {@link RequestMappingHandlerAdapter}, with the server's
	 * {@link SocketCloser}, or {@link SocketCloser#NONE} when there is none.
	 */
	static final class ReturnValueHandlerInstaller implements BeanPostProcessor {

		private final ObjectProvider<SocketCloser> socketCloser;

		ReturnValueHandlerInstaller(ObjectProvider<SocketCloser> socketCloser) {
			this.socketCloser = socketCloser;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof RequestMappingHandlerAdapter adapter) {
				SseReplayReturnValueHandler.install(adapter, this.socketCloser.getIfAvailable(() -> SocketCloser.NONE));
			}
			return bean;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JacksonPayloadConfiguration {

		@Bean
		@ConditionalOnMissingBean(PayloadSerializer.class)
		@ConditionalOnBean(JsonMapper.class)
		JacksonPayloadSerializer sseReplayPayloadSerializer(JsonMapper mapper) {
			return new JacksonPayloadSerializer(mapper);
		}

	}

}
