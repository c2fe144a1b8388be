package dev.ssereplay.event;

import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link PayloadSerializer} that writes payloads as JSON with a Jackson
 * {@link JsonMapper}, typically the application's own.
 */
public final class JacksonPayloadSerializer implements PayloadSerializer {

	private final JsonMapper mapper;

	/**
	 * Creates a serializer.
	 * @param mapper the mapper to write payloads with
	 */
	public JacksonPayloadSerializer(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public String serialize(Object payload) {
		return this.mapper.writeValueAsString(payload);
	}

}
