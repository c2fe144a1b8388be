package dev.ssereplay.event;

/**
 * Where a client says it is in a stream, parsed once where the request enters:
 * nowhere yet (a fresh connect), after an event it received, or a
 * {@code Last-Event-ID} that is not an id at all. The layers behind the web
 * layer see only this type, never the raw header.
 */
public sealed interface Position permits Position.Fresh, Position.After, Position.Malformed {

	/** A fresh connect: no {@code Last-Event-ID}, or an empty one. */
	Position FRESH = new Fresh();

	/** A {@code Last-Event-ID} that is not a well-formed event id. */
	Position MALFORMED = new Malformed();

	/**
	 * Parses what a client sent as its {@code Last-Event-ID}.
	 * @param lastEventId the header or query parameter value, may be {@code null}
	 * @return {@link #FRESH} for {@code null} or empty, {@link After} for a
	 * well-formed id, {@link #MALFORMED} otherwise
	 */
	static Position parse(String lastEventId) {
		if (lastEventId == null || lastEventId.isEmpty()) {
			return FRESH;
		}
		EventId id = EventId.parse(lastEventId);
		return (id != null) ? new After(id) : MALFORMED;
	}

	/**
	 * Returns the position after an event.
	 * @param id the event's id
	 * @return the position
	 */
	static Position after(EventId id) {
		return new After(id);
	}

	/**
	 * A fresh connect.
	 */
	record Fresh() implements Position {

		@Override
		public String toString() {
			return "fresh";
		}

	}

	/**
	 * After an event the client received: it resumes with the next one.
	 *
	 * @param id the last event id the client received, never {@code null}
	 */
	record After(EventId id) implements Position {

		/**
		 * Checks the id.
		 * @param id not {@code null}
		 */
		public After {
			if (id == null) {
				throw new IllegalArgumentException("id must not be null");
			}
		}

		@Override
		public String toString() {
			return "after " + this.id;
		}

	}

	/**
	 * A {@code Last-Event-ID} that is not a well-formed id: the client is told
	 * with a resync event.
	 */
	record Malformed() implements Position {

		@Override
		public String toString() {
			return "malformed";
		}

	}

}
