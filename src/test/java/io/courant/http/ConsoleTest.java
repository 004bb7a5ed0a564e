package io.courant.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.client.UnknownTopicOrPartitionException;
import io.courant.group.GroupState;
import io.courant.group.OffsetAndMetadata;
import io.courant.testing.TestNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console at /ui in a real headless browser (Debian's chromium, driven through its
 * chromedriver by Selenium WebDriver). Screenshots of each view go to target/console-screenshots.
 */
class ConsoleTest {
  @RegisterExtension
  static final HttpNode node = new HttpNode();
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static WebDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void startBrowser() throws IOException {
    for (String binary : new String[] {"/usr/bin/chromium", "/usr/bin/chromedriver"}) {
      assertTrue(new File(binary).canExecute(), binary + " is missing: install Debian's chromium and chromium-driver (bin/install-browser)");
    }
    Path profile = Files.createTempDirectory("courant-console-test");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,1400", "--user-data-dir=" + profile);
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void showsTheClusterNodesAndHealth() {
    open("/ui");
    wait.until(ExpectedConditions.textToBe(By.id("readiness"), "ready"));
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#nodes tbody tr"), 1));
    String row = browser.findElement(By.cssSelector("#nodes tbody tr")).getText();
    assertTrue(row.contains("Up"), row);
    String brokerId = node.get("/v3/clusters/courant/brokers").json().get("data").get(0).get("broker_id").asText();
    assertTrue(row.startsWith(brokerId + " (this node)"), "the broker id Kafka clients see: " + row);
    screenshot("cluster");
  }

  @Test
  void createsConfiguresAndDeletesATopic() {
    String topic = TestNode.uniqueTopic("console-topic");
    open("/ui#/topics");
    WebElement form = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("create-topic")));
    form.findElement(By.name("name")).sendKeys(topic);
    WebElement partitions = form.findElement(By.name("partitions"));
    partitions.clear();
    partitions.sendKeys("2");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    By row = By.cssSelector("tr[data-topic='" + topic + "']");
    wait.until(ExpectedConditions.presenceOfElementLocated(row));
    assertEquals(2, TestNode.await(node.courant().describeTopic(topic)).partitions());

    browser.findElement(row).findElement(By.linkText(topic)).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#partitions tbody tr"), 2));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-config='retention.ms']")));
    WebElement alter = browser.findElement(By.id("alter-config"));
    new Select(alter.findElement(By.name("config"))).selectByValue("retention.ms");
    alter.findElement(By.name("config-value")).sendKeys("1234567");
    alter.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-config='retention.ms'] .config-value"), "1234567"));
    assertEquals("1234567", TestNode.await(node.courant().describeConfigs(topic)).get("retention.ms"));
    screenshot("topic-detail");

    open("/ui#/topics");
    wait.until(ExpectedConditions.presenceOfElementLocated(row)).findElement(By.className("delete-topic")).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(row, 0));
    TestNode.failure(UnknownTopicOrPartitionException.class, node.courant().describeTopic(topic));
  }

  @Test
  void listsTopicsWithTheirRecordsAndSize() {
    String topic = node.topicWithRecords("console-list", 2, 5);
    long bytes = 0;
    for (int p = 0; p < 2; p++) {
      bytes += TestNode.await(node.courant().logStatus(new TopicPartition(topic, p))).sizeInBytes();
    }
    open("/ui#/topics");
    By row = By.cssSelector("tr[data-topic='" + topic + "']");
    wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-topic='" + topic + "'] .records"), "5"));
    WebElement size = browser.findElement(row).findElement(By.className("size"));
    assertEquals(Long.toString(bytes), size.getDomAttribute("data-bytes"));
    assertTrue(bytes > 0 && size.getText().endsWith("B"), size.getText());
    screenshot("topics");
  }

  @Test
  void tailsNewMessagesLiveAndPrettyPrintsJson() {
    String topic = node.topicWithRecords("console-tail", 1, 2);
    open("/ui#/topics/" + topic);
    wait.until(ExpectedConditions.elementToBeClickable(By.id("live-tail"))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("tail-status")));
    // The tail starts at the partition's end once its instance is set up: records keep coming until one shows.
    boolean shown = false;
    for (int i = 0; i < 30 && !shown; i++) {
      TestNode.await(node.courant().send(io.courant.client.ProducerRecord.of(topic, "k" + i, "{\"seq\":" + i + ",\"note\":\"tailed\"}")));
      try {
        new WebDriverWait(browser, Duration.ofSeconds(1)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages pre.json")));
        shown = true;
      } catch (org.openqa.selenium.TimeoutException e) {
        // not yet: the next record
      }
    }
    assertTrue(shown, "a record produced while tailing appears");
    String json = browser.findElement(By.cssSelector("#messages pre.json")).getText();
    assertTrue(json.contains("\"note\": \"tailed\""), "pretty-printed JSON: " + json);
    assertTrue(!browser.findElement(By.id("messages")).getText().contains("r0"), "only new records, not the two already there");
    screenshot("live-tail");
    browser.findElement(By.id("live-tail")).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.id("tail-status"), 0));
  }

  @Test
  void producesAMessageAndBrowsesIt() {
    String topic = node.topicWithRecords("console-messages", 2, 4);
    open("/ui#/topics/" + topic);
    WebElement produce = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("produce")));
    produce.findElement(By.name("key")).sendKeys("console-key");
    produce.findElement(By.name("value")).sendKeys("hello from the console");
    produce.findElement(By.name("partition")).sendKeys("1");
    produce.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#produce [role=status]"),
        "Produced to partition 1 at offset 2"));

    WebElement reader = browser.findElement(By.id("browser"));
    new Select(reader.findElement(By.name("partition"))).selectByValue("1");
    reader.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "hello from the console"));
    String messages = browser.findElement(By.id("messages")).getText();
    assertTrue(messages.contains("r1") && messages.contains("r3") && messages.contains("console-key"), messages);
    reader.findElement(By.name("filter")).sendKeys("hello");
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages tbody tr"), 1));
    screenshot("messages");
    for (int i = 0; i < "hello".length(); i++) {
      reader.findElement(By.name("filter")).sendKeys(org.openqa.selenium.Keys.BACK_SPACE); // each an input event, unlike clear()
    }

    // Partition 1 holds r1, r3 and the produced record, at offsets 0, 1, 2.
    new Select(reader.findElement(By.name("start"))).selectByValue("offset");
    reader.findElement(By.name("from")).sendKeys("1");
    reader.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(d -> !browser.findElement(By.id("messages")).getText().contains("r1"));
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages tbody tr"), 2));
    String fromOffset = browser.findElement(By.id("messages")).getText();
    assertTrue(fromOffset.contains("r3") && fromOffset.contains("hello from the console"), fromOffset);

    new Select(reader.findElement(By.name("start"))).selectByValue("newest");
    WebElement count = reader.findElement(By.name("count"));
    count.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "1");
    reader.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages tbody tr"), 1));
    assertTrue(browser.findElement(By.id("messages")).getText().contains("hello from the console"), "the newest record only");
    screenshot("messages-newest");
  }

  @Test
  void browsesFromATimestampShowingEachRecordsTimestampAndHeaders() {
    String topic = "console-headers-" + UUID.randomUUID();
    TestNode.await(node.courant().createTopic(new NewTopic(topic, 1)));
    long base = 1_700_000_000_000L; // 2023-11-14T22:13:20Z
    for (int i = 0; i < 3; i++) {
      TestNode.await(node.courant().send(new io.courant.client.ProducerRecord(topic, 0, base + i * 1000L,
          ("k" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
          java.util.List.of(new io.courant.log.Header("trace", ("t" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))))));
    }
    open("/ui#/topics/" + topic);
    WebElement reader = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("browser")));
    new Select(reader.findElement(By.name("start"))).selectByValue("timestamp");
    reader.findElement(By.name("from")).sendKeys(Long.toString(base + 1000));
    reader.findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages tbody tr"), 2));
    var rows = browser.findElements(By.cssSelector("#messages tbody tr"));
    String first = rows.get(0).getText();
    String second = rows.get(1).getText();
    assertTrue(first.contains("2023-11-14T22:13:21.000Z") && first.contains("trace=t1") && first.contains("v1"), first);
    assertTrue(second.contains("2023-11-14T22:13:22.000Z") && second.contains("trace=t2") && second.contains("v2"), second);
    assertTrue(!browser.findElement(By.id("messages")).getText().contains("trace=t0"), "records before the timestamp are not shown");
    screenshot("messages-from-timestamp");
  }

  @Test
  void showsAGroupsLagResetsAndDeletesIt() {
    String topic = node.topicWithRecords("console-group", 1, 3);
    String group = "console-" + UUID.randomUUID();
    TestNode.await(node.courant().commitOffsets(group, Map.of(new TopicPartition(topic, 0), OffsetAndMetadata.of(1))));
    open("/ui#/groups");
    By row = By.cssSelector("tr[data-group='" + group + "']");
    wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-group='" + group + "'] .total-lag"), "2"));
    screenshot("groups");

    browser.findElement(row).findElement(By.linkText(group)).click();
    wait.until(ExpectedConditions.textToBe(By.id("group-lag"), "2"));
    wait.until(ExpectedConditions.attributeToBe(By.id("lag-chart"), "data-latest", "2"));
    new Select(browser.findElement(By.name("to"))).selectByValue("earliest");
    browser.findElement(By.cssSelector("#reset-offsets button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBe(By.id("group-lag"), "3"));
    // The chart samples the lag over time: 2 before the reset, then 3.
    wait.until(ExpectedConditions.attributeToBe(By.id("lag-chart"), "data-latest", "3"));
    assertTrue(Integer.parseInt(browser.findElement(By.id("lag-chart")).getDomAttribute("data-samples")) >= 2);
    assertEquals(0, TestNode.await(node.courant().committedOffsets(group, java.util.List.of())).get(new TopicPartition(topic, 0)).offset());
    screenshot("group-detail");

    open("/ui#/topics/" + topic);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("readers"), group));
    open("/ui#/groups/" + encoded(group));
    wait.until(ExpectedConditions.textToBe(By.id("group-lag"), "3"));

    browser.findElement(By.id("delete-group")).click();
    wait.until(ExpectedConditions.urlContains("#/groups"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("group-list")));
    wait.until(ExpectedConditions.numberOfElementsToBe(row, 0));
    assertEquals(GroupState.DEAD, TestNode.await(node.courant().describeGroup(group)).state());
  }

  private static String encoded(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void open(String path) {
    browser.get(node.uri(path).toString());
    browser.navigate().refresh(); // a hash change alone does not reload the page
  }

  private static void screenshot(String name) {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    try {
      Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
