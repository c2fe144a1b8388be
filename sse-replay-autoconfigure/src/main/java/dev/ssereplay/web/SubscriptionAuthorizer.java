package dev.ssereplay.web;

/**
 * Decides who may subscribe to which stream. Define one bean of this type and
 * every {@link SseReplay#subscribe} consults it first, for a fresh connect and
 * for every resume (a resume is a new request, authorized again), before
 * anything is registered, counted against a limit or written:
 *
 * <pre class="code">
 * &#64;Bean
 * SubscriptionAuthorizer inboxes() {
 *     return (request) -&gt; {
 *         if (!request.stream().startsWith("user.")) {
 *             return SubscriptionDecision.allow();
 *         }
 *         Principal user = request.principal();
 *         return (user != null &amp;&amp; request.stream().startsWith("user." + user.getName() + "."))
 *                 ? SubscriptionDecision.allow() : SubscriptionDecision.deny("not your inbox");
 *     };
 * }
 * </pre>
 *
 * With Spring Security the principal is the request's {@code Authentication};
 * a decision can carry the end of its validity, such as a token's expiry
 * ({@link SubscriptionDecision#allowUntil}), after which the connection ends and
 * the client reconnects, is authorized again and resumes without loss.
 * <p>
 * Called on the request's thread; it may block briefly (a lookup), and an
 * exception it throws propagates to the handler method, so that a failing check
 * never grants access.
 */
@FunctionalInterface
public interface SubscriptionAuthorizer {

	/**
	 * Decides on one subscription.
	 * @param request the stream, the client's position and who asks
	 * @return the decision, never {@code null}
	 */
	SubscriptionDecision authorize(SubscriptionRequest request);

}
