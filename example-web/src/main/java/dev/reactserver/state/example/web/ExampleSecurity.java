package dev.reactserver.state.example.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;

/**
 * Form login with two demo users, {@code ada} and {@code bob} (the password is the name); anonymous
 * visitors see the page without the wish list. Never use such users outside a demo.
 */
@Configuration(proxyBeanMethods = false)
class ExampleSecurity {

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(requests -> requests
            .requestMatchers("/wishlist", "/wishlist/**").authenticated()
            .anyRequest().permitAll())
        // The token in a cookie, not in the session: a page open across a restart or a deploy can still post.
        .csrf(csrf -> csrf.csrfTokenRepository(new CookieCsrfTokenRepository()))
        .formLogin(login -> login.defaultSuccessUrl("/", true))
        .logout(logout -> logout.logoutSuccessUrl("/"))
        .build();
  }

  @Bean
  UserDetailsService users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("ada").password("{noop}ada").roles("USER").build(),
        User.withUsername("bob").password("{noop}bob").roles("USER").build());
  }
}
