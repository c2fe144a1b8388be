package dev.ssereplay.sample;

import java.util.Map;
import java.util.Set;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The {@code secure} profile: users sign in, and each reads streams of their own.
 * Spring Security's auto-configuration is off without the profile
 * ({@code spring.autoconfigure.exclude} in {@code application.yml}) and back on
 * with it ({@code application-secure.yml}).
 * <ul>
 * <li>The users are {@code sample.users}, kept in memory; they sign in with HTTP
 * Basic or the form at {@code /login}.</li>
 * <li>Every request needs a signed-in user, but the health endpoint. An anonymous
 * request for an event stream is answered 401, which stops a browser's
 * {@code EventSource} (a redirect to a form it cannot show would not); a page is
 * sent to the login form; a script's request ({@code X-Requested-With:
 * XMLHttpRequest}) gets 401, and any other client 401 with an HTTP Basic
 * challenge.</li>
 * <li>Who may read which stream is the {@link UserStreamAuthorizer}'s decision,
 * a 403 from sse-replay. Any signed-in user may publish to, complete or delete
 * any stream, a user's included: that is how one user writes to another's
 * inbox.</li>
 * <li>A browser adds the session cookie to a request by itself, so a request
 * that changes something and comes with a session must carry the CSRF token, as
 * must the login form. Spring Security keeps the token in the {@code XSRF-TOKEN}
 * cookie, and the pages send it back as {@code X-XSRF-TOKEN}. A request with no
 * session has none to misuse: it signs in with HTTP Basic, or is answered
 * 401.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@Profile("secure")
@EnableConfigurationProperties(SecureConfiguration.Accounts.class)
class SecureConfiguration {

	private static final RequestMatcher LOGIN_FORM = PathPatternRequestMatcher.withDefaults()
		.matcher(HttpMethod.POST, "/login");

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		MediaTypeRequestMatcher eventStreams = new MediaTypeRequestMatcher(MediaType.TEXT_EVENT_STREAM);
		// Requests that name the type: a browser asking for a page accepts */* too.
		eventStreams.setIgnoredMediaTypes(Set.of(MediaType.ALL));
		return http
			// An error is rendered for whoever caused it, signed in or not.
			.authorizeHttpRequests((requests) -> requests.dispatcherTypeMatchers(DispatcherType.ERROR)
				.permitAll()
				.requestMatchers("/actuator/health")
				.permitAll()
				.anyRequest()
				.authenticated())
			.exceptionHandling((exceptions) -> exceptions
				.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), eventStreams))
			.formLogin(Customizer.withDefaults())
			.httpBasic((basic) -> basic.realmName("sse-replay sample"))
			.csrf((csrf) -> csrf.spa().ignoringRequestMatchers(SecureConfiguration::hasNoSession))
			.build();
	}

	// Whether a request has no session that a forged request could ride on, and is
	// not the login form, which starts one.
	private static boolean hasNoSession(HttpServletRequest request) {
		return request.getRequestedSessionId() == null && !LOGIN_FORM.matches(request);
	}

	@Bean
	InMemoryUserDetailsManager users(Accounts accounts) {
		if (accounts.users().isEmpty()) {
			throw new IllegalStateException(
					"sample.users names no one: add 'name: password' entries to it, as application-secure.yml does");
		}
		return new InMemoryUserDetailsManager(accounts.users()
			.entrySet()
			.stream()
			.map((user) -> User.withUsername(user.getKey())
				.password(user.getValue())
				.roles("USER")
				.build())
			.toList());
	}

	@Bean
	UserStreamAuthorizer userStreamAuthorizer() {
		return new UserStreamAuthorizer();
	}

	/**
	 * Who may sign in.
	 *
	 * @param users user name to password, in Spring Security's
	 * {@code {id}encoded} form, such as {@code {noop}alice-password}
	 */
	@ConfigurationProperties("sample")
	record Accounts(Map<String, String> users) {

		Accounts {
			users = (users != null) ? Map.copyOf(users) : Map.of();
		}

	}

}
