package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Store;
import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The client cookie, the user and the per-request context, through a real application's filters. */
@SpringBootTest(classes = ShopApplication.class)
@AutoConfigureMockMvc
class StateWebTest {

  private static final String COOKIE = "reactserver-client";

  @Autowired MockMvc mvc;
  @Autowired Store store;
  @Autowired ClientIds ids;

  @Test
  void aLiveStreamWorksUnderMockMvcWhoseResponseCannotWriteWithoutBlocking() throws Exception {
    MvcResult live = mvc.perform(get("/live/shared")).andExpect(request().asyncStarted()).andReturn();
    MockHttpServletResponse stream = live.getResponse();
    awaitContent(stream, "event:visits\ndata:visits ");
    long visits = Long.parseLong(mvc.perform(post("/visits")).andReturn().getResponse().getContentAsString());
    awaitContent(stream, "event:visits\ndata:visits " + visits + "\n\n");
    assertThat(stream.getContentAsString()).startsWith(":open\n\n");
  }

  private static void awaitContent(MockHttpServletResponse response, String expected) {
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(response.getContentAsString()).contains(expected));
  }

  @Test
  void aNewClientGetsOneCookieAndKeepsItsStatesWithIt() throws Exception {
    MockHttpServletResponse first = mvc.perform(post("/items")).andExpect(status().isOk()).andReturn().getResponse();
    assertThat(first.getContentAsString()).isEqualTo("1");
    List<String> setCookies = first.getHeaders(HttpHeaders.SET_COOKIE);
    assertThat(setCookies).hasSize(1);
    assertThat(setCookies.get(0)).startsWith(COOKIE + "=").contains("Path=/").contains("HttpOnly")
        .contains("SameSite=Lax").doesNotContain("Secure").doesNotContain("Max-Age");
    Cookie cookie = first.getCookie(COOKIE);

    MockHttpServletResponse second = mvc.perform(post("/items").cookie(cookie)).andReturn().getResponse();
    assertThat(second.getContentAsString()).isEqualTo("2");
    assertThat(second.getHeaders(HttpHeaders.SET_COOKIE)).isEmpty();
    mvc.perform(get("/items").cookie(cookie)).andExpect(content().string("2"));
  }

  @Test
  void aSecureRequestGetsASecureCookie() throws Exception {
    String setCookie = mvc.perform(get("/items").secure(true)).andReturn().getResponse()
        .getHeader(HttpHeaders.SET_COOKIE);
    assertThat(setCookie).contains("Secure").contains("HttpOnly");
  }

  @Test
  void aForgedOrUnknownCookieOnlyEverYieldsANewClientWithNoStates() throws Exception {
    Cookie victim = mvc.perform(post("/items")).andReturn().getResponse().getCookie(COOKIE);
    mvc.perform(post("/items").cookie(victim)).andExpect(content().string("2"));
    String victimId = ids.idOf(victim.getValue());
    String issuedElsewhere = new ClientIds(new byte[ClientIds.MIN_KEY_BYTES]).issue();
    String otherTag = victimId + issuedElsewhere.substring(victimId.length());
    for (String forged : List.of(victimId, otherTag, victim.getValue() + "x", victim.getValue().substring(1),
        "", "%00", "a".repeat(10_000), issuedElsewhere)) {
      MockHttpServletResponse response = mvc.perform(get("/items").cookie(new Cookie(COOKIE, forged)))
          .andReturn().getResponse();
      assertThat(response.getContentAsString()).as(forged).isEqualTo("0");
      Cookie fresh = response.getCookie(COOKIE);
      assertThat(fresh).as("a new client for %s", forged).isNotNull();
      assertThat(ids.idOf(fresh.getValue())).isNotIn(victimId, null);
    }
  }

  @Test
  void noHeaderParameterOrFormFieldChoosesTheClient() throws Exception {
    Cookie victim = mvc.perform(post("/items")).andReturn().getResponse().getCookie(COOKIE);
    String victimId = ids.idOf(victim.getValue());
    MockHttpServletRequestBuilder attempt = get("/items")
        .header("X-Client-Id", victimId).header("Cookie", "other=" + victim.getValue())
        .param("clientId", victimId).param(COOKIE, victim.getValue());
    MockHttpServletResponse response = mvc.perform(attempt).andReturn().getResponse();
    assertThat(response.getContentAsString()).isEqualTo("0");
    assertThat(ids.idOf(response.getCookie(COOKIE).getValue())).isNotEqualTo(victimId);
  }

  @Test
  void anonymousVisitorsHaveNoUserAndTwoClientsOfOneUserShareUserStates() throws Exception {
    mvc.perform(get("/wishlist")).andExpect(content().string("anonymous"));
    Cookie laptop = mvc.perform(post("/wishlist").param("item", "tea").with(user("ada")))
        .andExpect(content().string("tea")).andReturn().getResponse().getCookie(COOKIE);
    Cookie phone = mvc.perform(post("/wishlist").param("item", "scarf").with(user("ada")))
        .andExpect(content().string("tea,scarf")).andReturn().getResponse().getCookie(COOKIE);
    assertThat(ids.idOf(phone.getValue())).isNotEqualTo(ids.idOf(laptop.getValue()));
    mvc.perform(get("/wishlist").cookie(laptop).with(user("ada"))).andExpect(content().string("tea,scarf"));
    mvc.perform(get("/wishlist").cookie(laptop).with(user("bob"))).andExpect(content().string(""));
    mvc.perform(get("/wishlist").cookie(laptop)).andExpect(content().string("anonymous"));
    // The client's own states stay the client's, whoever signs in on it.
    mvc.perform(post("/items").cookie(laptop).with(user("bob"))).andExpect(content().string("1"));
    mvc.perform(get("/items").cookie(laptop)).andExpect(content().string("1"));
  }

  @Test
  void aRequestHasOneContextSharedByEveryArgumentAndTheBean() throws Exception {
    mvc.perform(get("/context").with(user("ada"))).andExpect(content().string("true ada"));
    mvc.perform(get("/context")).andExpect(content().string("true -"));
  }

  @Test
  void aKnownClientIsTouchedByEveryRequest() throws Exception {
    Cookie cookie = mvc.perform(post("/items")).andReturn().getResponse().getCookie(COOKIE);
    String id = ids.idOf(cookie.getValue());
    StateContext ctx = StateContext.of(store).withClient(id);
    assertThat(store.statesIn(ctx.resolveScope("$client"))).containsKey("items");
    // The in-memory store counts a touch as a sighting; the idle-timeout tests of the runtime cover the rest.
    mvc.perform(get("/wishlist").cookie(cookie)).andExpect(status().isOk());
  }
}
