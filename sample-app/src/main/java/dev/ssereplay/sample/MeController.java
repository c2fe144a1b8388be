package dev.ssereplay.sample;

import java.security.Principal;
import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who is signed in, with the {@code secure} profile: {@code GET /me} answers
 * {@code {"name":"alice"}}, so that the page at {@code /} can show the user's
 * own inbox. Without the profile no one signs in, and there is no {@code /me}.
 */
@RestController
@Profile("secure")
class MeController {

	@GetMapping("/me")
	Map<String, String> me(Principal user) {
		// Never null: the security filter chain lets no anonymous request through.
		return Map.of("name", user.getName());
	}

}
