package dev.nines.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nines.Topics;
import dev.nines.api.ApiFixture.Instance;
import dev.nines.platform.local.LocalPlatform;
import dev.nines.schema.Incident;
import dev.nines.serde.RestSchemaRegistryClient;
import dev.nines.testing.CaughtUp;
import dev.nines.testing.KafkaPlatformExtension;
import dev.nines.testing.TopicRecords;
import dev.nines.views.Json;
import dev.nines.views.Model;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Issue #6: a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium)
 * loads the status page of a running app fed by the simulator, and finds the uptime bars, the
 * incidents and the weights, matching the JSON API (and the incidents topic). Screenshots, at
 * desktop and at phone width, go to target/. Skipped, with the reason, where Chromium is not
 * installed ({@code apt-get install -y chromium chromium-driver}; .ci/run installs them).
 */
@ExtendWith(KafkaPlatformExtension.class)
class StatusPageBrowserIT {
  static final Path CHROMIUM = Path.of(System.getProperty("nines.chromium", "/usr/bin/chromium"));
  static final Path DRIVER =
      Path.of(System.getProperty("nines.chromedriver", "/usr/bin/chromedriver"));

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void theStatusPageShowsBarsIncidentsAndWeightsAsTheApiHoldsThem() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "no headless Chromium here: "
            + CHROMIUM
            + " and "
            + DRIVER
            + " are needed "
            + "(apt-get install -y chromium chromium-driver)");
    LocalPlatform platform = KafkaPlatformExtension.platform();
    String prefix = KafkaPlatformExtension.unique("page") + ".";
    Map<String, String> shared = ApiFixture.settings(prefix, 1);
    ApiFixture.createTopics(platform, ApiFixture.config(shared, Path.of("unused")));
    try (Instance app = Instance.start(platform, shared)) {
      ApiFixture.produceHistory(platform, prefix);
      await()
          .atMost(Duration.ofMinutes(9))
          .pollInterval(Duration.ofSeconds(2))
          .alias("the history processed: one open and one resolved incident, four routes")
          .until(
              () -> {
                var r = ApiFixture.get(app.url() + "api/status");
                if (r.status() != 200) {
                  return false;
                }
                Model.Status s = Json.read(r.body(), Model.Status.class);
                return s.open().size() == 1
                    && s.recentResolved().size() == 1
                    && s.routes().size() == 4
                    && s.regions().stream().allMatch(x -> x.region().currentMonth() != null)
                    // and the whole history is processed (the open incident's ledger line is
                    // written each minute)
                    && s.asOf().isAfter(ApiFixture.END.minusSeconds(180));
              });
      // and nothing left to process, so that the page and the API show the same decisions (a
      // route's weights could otherwise change between the API's answer and the page's)
      try (Admin admin = platform.kafka().admin()) {
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .alias("the app caught up with its input")
            .until(
                CaughtUp.condition(
                    admin, platform.bootstrapServers(), app.config(), platform.registryClient()));
      }
      Model.Status api =
          Json.read(ApiFixture.get(app.url() + "api/status").body(), Model.Status.class);

      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-dev-shm-usage",
          "--disable-gpu",
          "--window-size=1200,900");
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(DRIVER.toFile())
              .usingAnyFreePort()
              .build();
      WebDriver browser = new ChromeDriver(service, options);
      try {
        browser.get(app.url());
        assertThat(browser.getTitle()).isEqualTo("nines status");

        // uptime bars: one per service and region, 90 cells, each day's downtime as the API's
        List<WebElement> regions = browser.findElements(By.cssSelector(".region"));
        assertThat(regions)
            .extracting(e -> e.getAttribute("data-region"))
            .containsExactlyInAnyOrderElementsOf(
                api.regions().stream().map(r -> r.region().key()).toList());
        assertThat(regions).hasSize(6); // 3 services x 2 regions
        for (WebElement region : regions) {
          var expected =
              api.regions().stream()
                  .filter(r -> r.region().key().equals(region.getAttribute("data-region")))
                  .findFirst()
                  .orElseThrow();
          List<WebElement> cells = region.findElements(By.cssSelector(".bar .d"));
          assertThat(cells).hasSize(90);
          assertThat(cells)
              .extracting(c -> Long.parseLong(c.getAttribute("data-downtime-ms")))
              .containsExactlyElementsOf(
                  expected.days().stream().map(Model.Day::downtimeMs).toList());
          assertThat(region.findElement(By.cssSelector(".mtd")).getAttribute("data-availability"))
              .isEqualTo(expected.region().currentMonth().availabilityPercent());
        }
        // the VERIFY outage of 31 October: its day cell is coloured and its hover names it
        WebElement verify =
            browser.findElement(
                By.cssSelector(".region[data-region='VERIFY:us-east'] .d[data-date='2026-10-31']"));
        String incidentId = api.recentResolved().get(0).incidentId();
        assertThat(verify.getAttribute("title")).contains("down 8m", incidentId);
        assertThat(verify.getAttribute("class")).contains("partial");
        verify.click(); // touch screens: a tap shows the title under the bar
        assertThat(
                browser
                    .findElement(By.cssSelector(".region[data-region='VERIFY:us-east'] .detail"))
                    .getText())
            .contains(incidentId);

        // incidents, as the API and as the incidents topic hold them
        Map<String, String> onPage =
            browser.findElements(By.cssSelector("[data-incident-id]")).stream()
                .collect(
                    Collectors.toMap(
                        e -> e.getAttribute("data-incident-id"),
                        e -> e.getAttribute("data-status"),
                        (x, y) -> x,
                        TreeMap::new));
        Map<String, String> inTopic = new TreeMap<>();
        var registry = new RestSchemaRegistryClient(platform.schemaRegistryUrl());
        String topic = prefix + Topics.INCIDENTS.name();
        var serde = Topics.INCIDENTS.valueSerde(registry);
        TopicRecords.readAll(platform, topic)
            .forEach(
                r -> {
                  Incident i = serde.deserialize(topic, r.value());
                  inTopic.put(i.getIncidentId(), i.getStatus().name());
                });
        assertThat(onPage).isEqualTo(inTopic).hasSize(2).containsValues("OPEN", "RESOLVED");
        assertThat(browser.findElement(By.id("banner")).getText()).isEqualTo("1 open incident");

        // the announced maintenance, upcoming, as the API holds it, in the reader's time too
        List<WebElement> maintenance = browser.findElements(By.cssSelector("article.mwindow"));
        assertThat(maintenance)
            .extracting(e -> e.getAttribute("data-window"))
            .containsExactlyElementsOf(
                api.maintenance().stream().map(Model.MaintenanceView::id).toList())
            .containsExactly("mw-voice-eu");
        assertThat(maintenance.get(0).getAttribute("data-state")).isEqualTo("upcoming");
        assertThat(maintenance.get(0).getText())
            .contains("VOICE · eu-west")
            .contains("2026-11-01 00:45 UTC to 2026-11-01 01:15 UTC");
        assertThat(maintenance.get(0).findElement(By.cssSelector(".localtime")).getText())
            .as("the script wrote the window in the browser's own time")
            .startsWith("(your time: ");

        // VOICE in eu-west lost its probes at 23:59 (its latest just before) while us-east's
        // went on to 00:12: shown as no data, since the latest probe the API holds
        Model.Region voiceEu =
            api.regions().stream()
                .map(Model.RegionStatus::region)
                .filter(r -> r.key().equals("VOICE:eu-west"))
                .findFirst()
                .orElseThrow();
        assertThat(voiceEu.noDataSince())
            .isBetween(
                Instant.parse("2026-10-31T23:58:00Z"), Instant.parse("2026-10-31T23:59:00Z"));
        WebElement noData =
            browser.findElement(
                By.cssSelector(".region[data-region='VOICE:eu-west'] .nodata-state"));
        assertThat(noData.getAttribute("data-no-data-since"))
            .isEqualTo(voiceEu.noDataSince().toString());
        assertThat(noData.getText()).startsWith("no data since 2026-10-31 23:5");
        assertThat(browser.findElements(By.cssSelector(".nodata-state"))).hasSize(1);

        // the public page and feed keep the carrier matrix private
        List<String> carrierIds =
            api.routes().stream()
                .flatMap(r -> r.current().carriers().stream().map(Model.Carrier::carrierId))
                .distinct()
                .toList();
        assertThat(carrierIds).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.findElements(By.cssSelector(".route"))).isEmpty();
        String feed = ApiFixture.get(app.url() + "feed.atom").body();
        for (String carrier : carrierIds) {
          assertThat(browser.getPageSource()).as("public page").doesNotContain(carrier);
          assertThat(feed).as("feed").doesNotContain(carrier);
        }

        Path target = Path.of("target");
        Files.createDirectories(target);
        fullPage(browser, 1200);
        save(browser, target.resolve("status-page.png"));
        // phone width: nothing wider than the screen
        fullPage(browser, 390);
        Number overflow =
            (Number)
                ((JavascriptExecutor) browser)
                    .executeScript(
                        "return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).as("horizontal overflow at 390 px").isLessThanOrEqualTo(0);
        save(browser, target.resolve("status-page-phone.png"));

        // the operator's page (behind the token when one is set): every route and carrier as
        // the API has them, and a chart per route
        fullPage(browser, 1200);
        browser.get(app.url() + "internal/status");
        assertThat(browser.getTitle()).isEqualTo("nines status (internal)");
        assertThat(browser.findElements(By.cssSelector(".region"))).hasSize(6);
        for (Model.RouteHistory r : api.routes()) {
          WebElement route =
              browser.findElement(
                  By.cssSelector(".route[data-route='" + r.current().routeId() + "']"));
          for (Model.Carrier c : r.current().carriers()) {
            WebElement row =
                route.findElement(By.cssSelector("tr[data-carrier='" + c.carrierId() + "']"));
            assertThat(row.getAttribute("data-weight")).isEqualTo(Integer.toString(c.weight()));
            assertThat(row.getAttribute("data-state")).isEqualTo(c.state());
          }
          assertThat(route.findElements(By.cssSelector("svg.chart rect"))).isNotEmpty();
        }
        fullPage(browser, 1200);
        save(browser, target.resolve("status-page-internal.png"));
      } finally {
        browser.quit();
        service.stop();
      }
    }
  }

  /** Makes the window as tall as the page, so that a screenshot holds all of it. */
  static void fullPage(WebDriver browser, int width) {
    browser.manage().window().setSize(new Dimension(width, 900));
    Number h =
        (Number)
            ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollHeight;");
    browser.manage().window().setSize(new Dimension(width, Math.min(8000, h.intValue() + 140)));
  }

  static void save(WebDriver browser, Path to) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("StatusPageBrowserIT: screenshot " + to.toAbsolutePath());
  }
}
