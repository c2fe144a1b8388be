package dev.ssereplay.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;

/**
 * A stream tested the way applications test their controllers, with MockMvc,
 * whose output stream has no non-blocking mode.
 */
@SpringBootTest(classes = StreamsTestApplication.class)
@AutoConfigureMockMvc
class MockMvcStreamTests {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private SseReplay sseReplay;

	@Test
	void aStreamCanBeReadThroughMockMvc() throws Exception {
		MvcResult result = this.mvc.perform(get("/streams/mockmvc").header("Last-Event-ID", "junk"))
			.andExpect(request().asyncStarted())
			.andReturn();
		assertThat(result.getResponse().getContentType()).startsWith("text/event-stream");
		String id = this.sseReplay.publish("mockmvc", "hello");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(result.getResponse().getContentAsString())
				.contains("event: resync\n")
				.contains("id: " + id + "\ndata: hello\n\n"));
	}

}
