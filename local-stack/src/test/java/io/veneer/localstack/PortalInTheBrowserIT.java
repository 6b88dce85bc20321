package io.veneer.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.veneer.localstack.api.ApiException;
import io.veneer.localstack.api.JsonApi;
import io.veneer.testsupport.browser.Chromium;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web portal of a running system in a real headless Chromium: the stack started as {@code
 * ./veneer up} starts it (real Keycloak, PostgreSQL, Kafka, both services, the portal, two agents
 * with real QEMU guests under TCG), people logging in on Keycloak's own page. A user's desktop is
 * cloned and booted while she watches, she reads its screen through noVNC and logs off; someone
 * else and a foreign site are refused her console; an admin uploads and publishes an image and
 * downloads it as a VMDK. Screenshots of every page land in target/screenshots/. The steps share
 * the stack, so they run in order.
 */
@NeedsHost({HostTool.BROWSER, HostTool.QEMU})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class PortalInTheBrowserIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A desktop is cloned and its guest boots under TCG while the page is watched. */
  private static final Duration BOOT = Duration.ofSeconds(120);

  private static final String POOL = "browser";

  /** Spring Boot's correlation id on each log line while a trace is current. */
  private static final Pattern CORRELATION = Pattern.compile("\\[([0-9a-f]{32})-[0-9a-f]{16}\\]");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private LaunchedStack stack;
  private JsonApi admin;
  private ChromeDriver browser;
  private String desktop;

  @BeforeAll
  @Timeout(value = 7, unit = java.util.concurrent.TimeUnit.MINUTES)
  void up() throws Exception {
    Path repo = Path.of("").toAbsolutePath().getParent();
    Path target = repo.resolve("local-stack/target");
    stack = LaunchedStack.up(repo, target.resolve("browser-it"));
    admin = stack.api("admin");
    // Like the demo pool, without warm spares: alice's request clones and boots a new guest.
    Map<String, Object> spec = new LinkedHashMap<>();
    JsonNode demo = admin.get("/api/v1/pools/" + stack.info().poolId()).path("spec");
    spec.put("name", POOL);
    spec.put("kind", "POOLED");
    spec.put("goldenImage", demo.path("goldenImage").asString());
    spec.put("goldenVersion", demo.path("goldenVersion").asString());
    spec.put("goldenDigest", demo.path("goldenDigest").asString());
    spec.put("size", JSON.convertValue(demo.path("size"), Map.class));
    spec.put("hardware", Map.of("machine", "q35", "display", true));
    spec.put("minSize", 0);
    spec.put("maxSize", 1);
    spec.put("warmSpares", 0);
    spec.put("maxConcurrentRefresh", 1);
    spec.put("entitledUsers", List.of(stack.info().userIds().get("alice")));
    spec.put("entitledGroups", List.of());
    admin.post("/api/v1/pools", spec, Map.of());
    browser = Chromium.start(Files.createTempDirectory(target, "chromium-"));
  }

  @AfterAll
  void down() {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void aUserWatchesHerNewDesktopBootWithoutReloadingAndReadsItsScreenThroughNoVnc()
      throws Exception {
    logIn("alice");
    Chromium.screenshot(browser, "system-01-desktops");

    browser
        .findElement(By.cssSelector("button[aria-label='Request a desktop from " + POOL + "']"))
        .click();
    // The row is read in one go: live updates replace it while the guest is being set up.
    List<String> row =
        new WebDriverWait(browser, WAIT)
            .ignoring(StaleElementReferenceException.class)
            .until(
                d ->
                    d.findElements(By.cssSelector("#desktop-rows tr[data-state]")).stream()
                        .findFirst()
                        .map(r -> List.of(r.getAttribute("id"), r.getAttribute("data-state")))
                        .orElse(null));
    desktop = row.get(0).substring("desktop-".length());
    assertThat(row.get(1)).isNotEqualTo("RUNNING");
    js("window.notReloaded = true;");

    waitFor(By.cssSelector("#desktop-" + desktop + "[data-state='RUNNING']"), BOOT);
    assertThat(js("return window.notReloaded === true;")).isEqualTo(true);
    assertThat(
            browser.findElement(By.cssSelector("#desktop-" + desktop + " .start-time")).getText())
        .as("the time it took to start")
        .matches("\\d+(\\.\\d)? s");
    Chromium.screenshot(browser, "system-02-desktop-running");

    String list = browser.getWindowHandle();
    browser.findElement(By.cssSelector("#desktop-" + desktop + " a.console-link")).click();
    for (String handle : browser.getWindowHandles()) {
      if (!handle.equals(list)) {
        browser.switchTo().window(handle);
      }
    }
    new WebDriverWait(browser, WAIT).until(d -> litPixels() > 200);
    assertThat(browser.findElement(By.id("console-status")).getText()).startsWith("Connected");
    Path desktopDir = stack.desktopDir(desktopNow().path("hostId").asString(), desktop);
    assertThat(desktopDir.resolve("vnc/vnc.sock"))
        .as("the display she sees: a unix socket, reached only through her agent's listener")
        .exists();
    assertThat(desktopDir.resolve("vnc.password")).as("no VNC password to leak").doesNotExist();
    Chromium.screenshot(browser, "system-03-console");
    browser.close();
    browser.switchTo().window(list);
  }

  @Test
  @Order(2)
  void herRequestIsOneTraceFromThePortalsClickToHerAgentsReport() throws Exception {
    String traceId =
        stack.logOf("web-portal").stream()
            .filter(line -> line.contains("event=desktop-requested desktop=" + desktop))
            .map(CORRELATION::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("the portal logged her request with no trace id"));
    String host = desktopNow().path("hostId").asString();

    assertThat(stack.logOf("control-plane"))
        .as("the control plane took the request, and her agent's reports, under the same trace")
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("event=desktop.observed desktop=" + desktop)
                    .contains("state=RUNNING")
                    .contains("trace=" + traceId));
    assertThat(stack.logOf("agent-" + host))
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("event=desktop-starting desktop=" + desktop)
                    .contains("trace=" + traceId));
  }

  @Test
  @Order(3)
  void someoneElseCannotOpenHerConsoleNorUseHerTicket() throws Exception {
    String ticket = ticketOf("alice");
    logIn("bob");

    browser.get(portal("/desktops/" + desktop + "/console"));
    assertThat(waitFor(By.cssSelector(".problem .status"), WAIT).getText())
        .isEqualTo("HTTP status 404");
    Chromium.screenshot(browser, "system-04-console-of-another-user");

    assertThat(openSocket(ticket))
        .as("alice's ticket presented by bob, from the portal's own page")
        .startsWith("closed");
  }

  @Test
  @Order(4)
  void aPageOnAForeignSiteCannotOpenAConsoleSocketNorBurnTheTicket() throws Exception {
    logIn("alice");
    String ticket = ticketOf("alice");
    HttpServer foreign =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] page =
        "<!doctype html><title>Elsewhere</title><p>A page on another site.</p>"
            .getBytes(StandardCharsets.UTF_8);
    foreign.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    foreign.start();
    try {
      browser.get("http://127.0.0.1:" + foreign.getAddress().getPort() + "/");
      assertThat(openSocket(ticket)).as("from a foreign Origin").startsWith("closed");
    } finally {
      foreign.stop(0);
    }

    browser.get(portal("/desktops"));
    assertThat(openSocket(ticket))
        .as("the same ticket from the portal's page: the refusal was the Origin's")
        .isEqualTo("open");
  }

  @Test
  @Order(5)
  void logoffAsksForConfirmationAndRefreshesTheDesktop() throws Exception {
    browser.get(portal("/desktops"));
    long osDisk = admin.get("/api/v1/desktops/" + desktop).path("osDiskGeneration").asLong();
    browser.findElement(By.cssSelector("#desktop-" + desktop + " button.action-logoff")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.alertIsPresent()).accept();

    new WebDriverWait(browser, WAIT)
        .until(
            d ->
                d.findElements(
                                By.cssSelector(
                                    "#desktop-" + desktop + ":not([data-state='RUNNING'])"))
                            .size()
                        + (d.findElements(By.id("desktop-" + desktop)).isEmpty() ? 1 : 0)
                    > 0);
    Chromium.screenshot(browser, "system-05-logged-off");
    new WebDriverWait(browser, BOOT)
        .until(
            d -> {
              JsonNode now = desktopNow();
              return now.path("osDiskGeneration").asLong() > osDisk && now.path("owner").isNull();
            });
  }

  @Test
  @Order(6)
  void anAdminUploadsAnImageWatchesTheProgressBarPublishesItAndDownloadsItAsVmdk()
      throws Exception {
    logIn("admin");
    String image = null;
    for (JsonNode each : stack.imagesApi("admin").get("/api/v1/images").path("items")) {
      if (each.path("name").asString().equals("tiny-golden")) {
        image = each.path("id").asString();
      }
    }
    assertThat(image).as("the local stack's tiny-golden image").isNotNull();
    browser.get(portal("/admin/images/" + image));
    waitFor(By.id("upload-form"), WAIT);

    Path disk = Files.createTempFile(Path.of("target"), "golden-", ".raw");
    byte[] bytes = new byte[24 * 1024 * 1024];
    new Random(7).nextBytes(bytes);
    // A raw disk: its first sector ends in the DOS partition table's signature.
    bytes[510] = 0x55;
    bytes[511] = (byte) 0xaa;
    Files.write(disk, bytes);
    js(
        """
        window.progress = [];
        const bar = document.getElementById('upload-progress');
        new MutationObserver(() => window.progress.push(Number(bar.value)))
            .observe(bar, { attributes: true });""");
    browser.findElement(By.id("image-file")).sendKeys(disk.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("#upload-form button[type=submit]")).click();

    new WebDriverWait(browser, Duration.ofSeconds(90))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("upload-status"), "is AVAILABLE"));
    @SuppressWarnings("unchecked")
    List<Number> seen = (List<Number>) js("return window.progress;");
    assertThat(seen.stream().mapToLong(Number::longValue))
        .as("the bar advanced through the upload")
        .anyMatch(v -> v > 0 && v < bytes.length)
        .contains((long) bytes.length);
    Chromium.screenshot(browser, "system-06-image-uploaded");

    waitFor(By.cssSelector("#versions button.action-publish"), WAIT).click();
    new WebDriverWait(browser, WAIT)
        .until(d -> d.findElements(By.cssSelector("#versions button.action-publish")).isEmpty());
    assertThat(browser.findElement(By.id("versions")).getText()).doesNotContain("AVAILABLE");
    Chromium.screenshot(browser, "system-07-image-published");

    // Handed back out in another hypervisor's format: VMware's, converted by the image service.
    String published = null;
    int newest = 0;
    for (JsonNode version :
        stack.imagesApi("admin").get("/api/v1/images/" + image + "/versions").path("items")) {
      if (version.path("number").asInt() > newest) {
        newest = version.path("number").asInt();
        published = version.path("id").asString();
      }
    }
    Path downloads = Files.createTempDirectory(Path.of("target"), "downloads-");
    browser.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
    new Select(browser.findElement(By.id("format-" + published))).selectByValue("vmdk");
    browser
        .findElement(By.cssSelector("form[action$='/versions/" + published + "/export'] button"))
        .click();
    Path vmdk = downloads.resolve("tiny-golden-v" + newest + ".vmdk");
    new WebDriverWait(browser, Duration.ofSeconds(90))
        .until(
            d ->
                Files.exists(vmdk)
                    && !Files.exists(downloads.resolve(vmdk.getFileName() + ".crdownload")));
    Process info =
        new ProcessBuilder("qemu-img", "info", "--output=json", vmdk.toString())
            .redirectErrorStream(true)
            .start();
    JsonNode described = JSON.readTree(info.getInputStream());
    assertThat(info.waitFor()).isZero();
    assertThat(described.path("format").asString()).isEqualTo("vmdk");
    assertThat(described.path("virtual-size").asLong()).isEqualTo(bytes.length);

    for (String page : List.of("images", "pools", "hosts", "events")) {
      browser.get(portal("/admin/" + page));
      waitFor(By.tagName("h1"), WAIT);
      Chromium.screenshot(browser, "system-08-admin-" + page);
    }
    browser.get(portal("/admin/pools"));
    assertThat(
            browser
                .findElement(
                    By.cssSelector(
                        "#pool-users input[value='" + stack.info().userIds().get("alice") + "']"))
                .getAttribute("type"))
        .as("alice, from Keycloak's directory, offered to entitle by her id")
        .isEqualTo("checkbox");
    assertThat(browser.findElement(By.id("pool-groups")).getText()).contains("engineering");
    browser.findElement(By.id("user-search")).sendKeys("ali");
    new WebDriverWait(browser, WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("user-search-results"), "alice@"));
    assertThat(browser.findElement(By.id("user-search-results")).getText())
        .as("Keycloak searched through the control plane; alice is already offered above")
        .contains("already in the list above");

    browser.get(portal("/admin/hosts"));
    int desktops =
        browser.findElements(By.cssSelector("#hosts-table td.desktops")).stream()
            .mapToInt(cell -> Integer.parseInt(cell.getText()))
            .sum();
    assertThat(desktops).as("the demo pool's desktops hold claims on the hosts").isPositive();
    assertThat(browser.findElements(By.cssSelector("#hosts-table meter[id^='memory-']")))
        .anySatisfy(meter -> assertThat(Long.parseLong(meter.getAttribute("value"))).isPositive());
  }

  private void logIn(String user) {
    // Keycloak's SSO cookies live under its realm path: clear every cookie, not only the portal's.
    browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    browser.get(portal("/desktops"));
    waitFor(By.id("username"), WAIT).sendKeys(user);
    browser.findElement(By.id("password")).sendKeys(stack.info().passwords().get(user));
    browser.findElement(By.id("kc-login")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.titleContains("Veneer"));
    assertThat(browser.findElement(By.cssSelector(".who strong")).getText()).isEqualTo(user);
  }

  private JsonNode desktopNow() {
    try {
      return admin.get("/api/v1/desktops/" + desktop);
    } catch (ApiException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh console ticket to the desktop, from the control plane, as {@code user}. */
  private String ticketOf(String user) throws Exception {
    return stack
        .api(user)
        .post("/api/v1/desktops/" + desktop + "/console-tickets", Map.of(), Map.of())
        .path("ticket")
        .asString();
  }

  /**
   * Opens the portal's console socket for the desktop with {@code ticket} from the page now shown
   * (its Origin is the page's): "open" when admitted, "closed CODE" when refused.
   */
  private String openSocket(String ticket) {
    String url =
        URI.create(stack.info().portal()).resolve("/console/ws").toString().replace("http", "ws")
            + "?desktop="
            + desktop
            + "&ticket="
            + ticket;
    return (String)
        browser.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            let answered = false;
            const answer = (what) => { if (!answered) { answered = true; done(what); } };
            const socket = new WebSocket(arguments[0]);
            socket.onopen = () => { socket.close(); answer('open'); };
            socket.onclose = (event) => answer('closed ' + event.code);""",
            url);
  }

  private long litPixels() {
    return ((Number)
            js(
                """
                const canvas = document.querySelector('#screen canvas');
                if (!canvas || canvas.width === 0) return 0;
                const data = canvas.getContext('2d')
                    .getImageData(0, 0, canvas.width, canvas.height).data;
                let lit = 0;
                for (let i = 0; i < data.length; i += 4) {
                  if (data[i] + data[i + 1] + data[i + 2] > 96) lit++;
                }
                return lit;"""))
        .longValue();
  }

  private String portal(String path) {
    return URI.create(stack.info().portal()).resolve(path).toString();
  }

  private WebElement waitFor(By locator, Duration timeout) {
    return new WebDriverWait(browser, timeout)
        .until(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }
}
