package dev.reactserver.state.example.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One simulated person: a real headless Chromium with a profile of its own (so its own cookies: its own
 * client), driven by Selenium through Debian's chromedriver. Tests wait for what the page shows, never
 * sleep.
 */
final class Browser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of(env("REACTSERVER_CHROMIUM", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(env("REACTSERVER_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private final ChromeDriver driver;
  private final Path profile;
  private final String base;
  private final boolean javaScript;

  private Browser(String base, boolean javaScript) {
    this.base = base;
    this.javaScript = javaScript;
    try {
      profile = Files.createTempDirectory("reactserver-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // As root on a closed network Chromium needs all of these, else it hangs or refuses to start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profile);
    if (!javaScript) {
      options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  /** A new browser on the application at {@code base} (e.g. {@code http://localhost:8080}). */
  static Browser on(String base) {
    requireChromium();
    return new Browser(base, true);
  }

  /** A new browser with JavaScript turned off: the page works by plain form posts, and is not live. */
  static Browser withoutJavaScript(String base) {
    requireChromium();
    return new Browser(base, false);
  }

  /**
   * Browser tests never skip in CI ({@code REACTSERVER_BROWSER_TESTS=required}, set by {@code .ci/run});
   * elsewhere they skip with a message when Chromium is missing.
   */
  static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String message = "the browser tests need Chromium and ChromeDriver at " + CHROMIUM + " and " + CHROMEDRIVER
        + ": apt-get install chromium chromium-driver (or set REACTSERVER_CHROMIUM and REACTSERVER_CHROMEDRIVER)";
    if (!present && "required".equals(System.getenv("REACTSERVER_BROWSER_TESTS"))) {
      Assertions.fail(message);
    }
    Assumptions.assumeTrue(present, message);
  }

  /** Opens {@code path} and waits until its live stream is open. */
  Browser open(String path) {
    driver.get(base + path);
    waitUntilLive();
    return this;
  }

  /** Opens {@code path} and waits until the page has loaded, live or not. */
  Browser load(String path) {
    driver.get(base + path);
    return this;
  }

  void waitUntilLive() {
    new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-live",
        "open"));
  }

  /** Signs in through the login form and waits for the page (with JavaScript: until it is live again). */
  Browser signIn(String user, String password) {
    driver.get(base + "/login");
    driver.findElement(By.id("username")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.textToBe(By.id("user"), user));
    if (javaScript) {
      waitUntilLive();
    }
    return this;
  }

  void click(String id) {
    new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
  }

  void type(String id, String text) {
    driver.findElement(By.id(id)).sendKeys(text);
  }

  /** Waits until the element {@code id} shows {@code text}. */
  void waitForText(String id, String text) {
    new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.textToBe(By.id(id), text));
  }

  /** The attribute {@code name} of the element {@code id}; null if it has none. */
  String attribute(String id, String name) {
    return driver.findElement(By.id(id)).getAttribute(name);
  }

  /** Runs {@code script} in the page and returns its result. */
  Object script(String script) {
    return driver.executeScript(script);
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  boolean has(String id) {
    return !driver.findElements(By.id(id)).isEmpty();
  }

  WebDriver driver() {
    return driver;
  }

  /** Writes what the browser shows to {@code file}. */
  void screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException ignored) {
        // a temporary profile left behind
      }
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
