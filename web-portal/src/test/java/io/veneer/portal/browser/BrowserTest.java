package io.veneer.portal.browser;

import static io.veneer.portal.testing.DesktopEvents.transition;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.portal.testing.TestPortal;
import io.veneer.testsupport.browser.Chromium;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in a real headless Chromium, logging in with a real Keycloak (test-support's
 * TestKeycloak), against the in-test control plane and image service and real Kafka. Screenshots of
 * every page land in target/screenshots/.
 */
@NeedsHost({HostTool.BROWSER, HostTool.QEMU})
class BrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static VeneerRealm realm;
  private static String bella;
  private static TestPortal portal;
  private static ChromeDriver browser;

  @BeforeAll
  static void start(@TempDir Path profile) {
    realm = TestKeycloak.freshRealm(BrowserTest.class);
    // Desktops' owners and pools' entitled users are Keycloak ids (the tokens' sub), not names.
    bella = realm.createUser("bella", "bella-pw", Set.of("user"), Set.of());
    realm.createUser("adam", "adam-pw", Set.of("admin", "user"), Set.of());
    portal =
        TestPortal.loggingInWith(
            new TestPortal.Login(
                realm.issuerUri().toString(),
                VeneerRealm.PORTAL.clientId(),
                VeneerRealm.PORTAL.secret()));
    browser = Chromium.start(profile);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (portal != null) {
      portal.stop();
    }
  }

  @Test
  void userLogsInRequestsADesktopSeesItRunLiveOpensItsConsoleAndLogsOff() throws Exception {
    UUID pool = portal.controlPlane().addPool("Engineering", Set.of(bella));
    logIn("bella", "bella-pw");
    Chromium.screenshot(browser, "01-desktops-empty");

    browser
        .findElement(By.cssSelector("button[aria-label='Request a desktop from Engineering']"))
        .click();
    WebElement row = waitFor(By.cssSelector("#desktop-rows tr[data-state='REQUESTED']"));
    UUID desktop = UUID.fromString(row.getAttribute("id").substring("desktop-".length()));
    js("window.notReloaded = true;");

    // The control plane places and starts it; its events reach the page through Kafka and SSE.
    try (QemuDisplay guest = QemuDisplay.start()) {
      Map<String, Object> cpDesktop = portal.controlPlane().desktop(desktop);
      cpDesktop.put("state", "RUNNING");
      portal.controlPlane().showDisplay(desktop, portal.consoles().endpoint());
      portal.consoles().shows(desktop, guest.address());
      Instant t0 = Instant.now();
      portal.publish(transition(desktop, pool, bella, "REQUESTED", "SCHEDULED", t0));
      portal.publish(transition(desktop, pool, bella, "SCHEDULED", "STARTING", t0.plusMillis(300)));
      portal.publish(transition(desktop, pool, bella, "STARTING", "RUNNING", t0.plusMillis(2100)));

      waitFor(By.cssSelector("#desktop-" + desktop + "[data-state='RUNNING']"));
      assertThat(js("return window.notReloaded === true;")).isEqualTo(true);
      assertThat(
              browser.findElement(By.cssSelector("#desktop-" + desktop + " .start-time")).getText())
          .isEqualTo("2.1 s");
      Chromium.screenshot(browser, "02-desktops-running");

      openConsoleAndReadTheScreen(desktop);
    }

    browser.findElement(By.cssSelector("#desktop-" + desktop + " button.action-logoff")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.alertIsPresent()).accept();
    waitFor(By.cssSelector("#desktop-" + desktop + "[data-state='REFRESHING']"));
    Chromium.screenshot(browser, "04-desktops-logged-off");
  }

  private void openConsoleAndReadTheScreen(UUID desktop) {
    String list = browser.getWindowHandle();
    browser.findElement(By.cssSelector("#desktop-" + desktop + " a.console-link")).click();
    for (String handle : browser.getWindowHandles()) {
      if (!handle.equals(list)) {
        browser.switchTo().window(handle);
      }
    }
    new WebDriverWait(browser, WAIT)
        .until(
            d ->
                ((Number)
                            js(
                                """
            const canvas = document.querySelector('#screen canvas');
            if (!canvas || canvas.width === 0) return 0;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let lit = 0;
            for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 96) lit++;
            return lit;"""))
                        .longValue()
                    > 200);
    assertThat(browser.findElement(By.id("console-status")).getText()).startsWith("Connected");
    assertThat(browser.getPageSource())
        .as("the grant the proxy presents to the host's console listener never reaches the page")
        .doesNotContain("data-grant");
    Chromium.screenshot(browser, "03-console");
    browser.close();
    browser.switchTo().window(list);
  }

  @Test
  void adminUploadsAnImageWatchesTheProgressBarAndPublishesIt() throws Exception {
    UUID existing = portal.images().addImageWithVersion("debian-12", "PUBLISHED");
    String imageId = portal.images().version(existing).get("imageId").toString();
    portal.controlPlane().addHost("host-a", "UP");
    logIn("adam", "adam-pw");

    browser.get(portal.uri("/admin/images/" + imageId).toString());
    Path disk = Files.createTempFile(Path.of("target"), "golden-", ".raw");
    byte[] bytes = new byte[20 * 1024 * 1024];
    new Random(1).nextBytes(bytes);
    Files.write(disk, bytes);
    js(
        """
        window.progress = [];
        const bar = document.getElementById('upload-progress');
        new MutationObserver(() => window.progress.push(Number(bar.value)))
            .observe(bar, { attributes: true });""");
    browser.findElement(By.id("image-file")).sendKeys(disk.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("#upload-form button[type=submit]")).click();

    new WebDriverWait(browser, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("upload-status"), "is AVAILABLE"));
    @SuppressWarnings("unchecked")
    List<Number> seen = (List<Number>) js("return window.progress;");
    assertThat(seen.stream().mapToLong(Number::longValue))
        .as("the bar advanced through the upload")
        .anyMatch(v -> v > 0 && v < bytes.length)
        .contains((long) bytes.length);
    Chromium.screenshot(browser, "05-image-uploaded");

    WebElement publish = waitFor(By.cssSelector("#versions button.action-publish"));
    publish.click();
    new WebDriverWait(browser, WAIT)
        .until(d -> d.findElements(By.cssSelector("#versions button.action-publish")).isEmpty());
    assertThat(browser.findElement(By.id("versions")).getText()).doesNotContain("AVAILABLE");
    Chromium.screenshot(browser, "06-image-published");

    for (String page : List.of("images", "pools", "hosts", "events")) {
      browser.get(portal.uri("/admin/" + page).toString());
      waitFor(By.tagName("h1"));
      Chromium.screenshot(browser, "07-admin-" + page);
    }
  }

  @Test
  void adminWatchesAPoolRollWithoutReloading() {
    UUID pool = portal.controlPlane().addPool("Rolling", Set.of(bella));
    UUID waiting = portal.controlPlane().addDesktop(bella, pool, "RUNNING", null);
    UUID done = portal.controlPlane().addDesktop(bella, pool, "RUNNING", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) portal.controlPlane().pool(pool).get("spec");
    spec.put("goldenVersion", "v2");
    portal.controlPlane().desktop(done).put("goldenVersion", "v2");
    logIn("adam", "adam-pw");

    browser.get(portal.uri("/admin/pools/" + pool).toString());
    assertThat(waitFor(By.id("rollout-summary")).getText())
        .isEqualTo("1 of 2 desktops on this version (50%)");
    new WebDriverWait(browser, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("live-status"), "Live updates: on"));
    js("window.notReloaded = true;");
    Chromium.screenshot(browser, "08-admin-pool-rolling");

    // Bella logs off: her desktop is refreshed to the new version, and its events reach the page.
    Map<String, Object> desktop = portal.controlPlane().desktop(waiting);
    desktop.put("goldenVersion", "v2");
    desktop.put("state", "REFRESHING");
    portal.publish(transition(waiting, pool, bella, "RUNNING", "REFRESHING", Instant.now()));
    new WebDriverWait(browser, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("rollout-refreshing"), "Being refreshed now: 1"));
    desktop.put("state", "RUNNING");
    portal.publish(transition(waiting, pool, bella, "REFRESHING", "RUNNING", Instant.now()));

    waitFor(By.id("rollout-complete"));
    assertThat(browser.findElement(By.id("rollout-summary")).getText())
        .isEqualTo("2 of 2 desktops on this version (100%)");
    assertThat(js("return window.notReloaded === true;")).isEqualTo(true);
    Chromium.screenshot(browser, "09-admin-pool-rolled");
  }

  @Test
  void adminFindsPeopleInTheDirectoryAndTheTickedOnesStayThroughTheNextSearch() {
    String run = UUID.randomUUID().toString().substring(0, 6);
    String zoe = UUID.randomUUID().toString();
    String yan = UUID.randomUUID().toString();
    portal.images().addImageWithVersion("directory-" + run, "PUBLISHED");
    logIn("adam", "adam-pw");
    browser.get(portal.uri("/admin/pools").toString());
    // Not among the people the form lists: they join the directory after the page was drawn.
    portal.controlPlane().addDirectoryUser(zoe, "zoe-" + run);
    portal.controlPlane().addDirectoryUser(yan, "yan-" + run);

    waitFor(By.id("user-search")).sendKeys("zoe-" + run);
    waitFor(By.id("found-" + zoe)).click();
    WebElement search = browser.findElement(By.id("user-search"));
    search.clear();
    search.sendKeys("yan-" + run);
    waitFor(By.id("found-" + yan));

    WebElement kept = browser.findElement(By.cssSelector("#pool-users input[value='" + zoe + "']"));
    assertThat(kept.isSelected()).as("zoe stays ticked in the form").isTrue();
    assertThat(
            browser.findElements(By.cssSelector("#user-search-results input[value='" + zoe + "']")))
        .isEmpty();
    Chromium.screenshot(browser, "10-admin-pool-directory-search");
  }

  private static void logIn(String username, String password) {
    // Keycloak's SSO cookies live under its realm path: clear every cookie, not only the portal's.
    browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    browser.get(portal.uri("/desktops").toString());
    waitFor(By.id("username")).sendKeys(username);
    browser.findElement(By.id("password")).sendKeys(password);
    Chromium.screenshot(browser, "00-keycloak-login");
    browser.findElement(By.id("kc-login")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.titleContains("Veneer"));
    assertThat(browser.findElement(By.cssSelector(".who strong")).getText()).isEqualTo(username);
  }

  private static WebElement waitFor(By locator) {
    return new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }
}
