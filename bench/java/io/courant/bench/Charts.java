package io.courant.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The benchmark charts (XChart), PNG files next to docs/benchmarks.md. */
final class Charts {
  private Charts() {}

  private static final Color COURANT = new Color(0x1f, 0x77, 0xb4);
  private static final Color KAFKA = new Color(0x7f, 0x7f, 0x7f);

  /** Throughput (produce and consume, records/s) and end-to-end latency (p50 / p99 / p99.9), Courant next to Kafka. */
  @SuppressWarnings("unchecked")
  static void kafkaCompare(Map<String, Object> results, Path png) throws IOException {
    Map<String, Map<String, Map<String, Object>>> med = (Map<String, Map<String, Map<String, Object>>>) results.get("medians");
    Map<String, Object> s = (Map<String, Object>) results.get("settings");
    CategoryChart throughput = chart("Throughput (" + s.get("recordBytes") + "-byte records, " + s.get("partitions")
        + " partitions, acks=" + s.get("acks") + ")", "records/s (median)");
    List<String> tools = List.of("ProducerPerformance", "ConsumerPerformance");
    for (String system : KafkaCompareBenchmark.SYSTEMS) {
      throughput.addSeries(system, tools, List.of(
          (Double) med.get("producerPerformance").get("recordsPerSecond").get(system),
          (Double) med.get("consumerPerformance").get("recordsPerSecond").get(system)));
    }
    CategoryChart latency = chart("EndToEndLatency (1 partition, acks=" + s.get("acks") + ")", "ms (median of rounds)");
    List<String> percentiles = List.of("p50", "p99", "p99.9");
    for (String system : KafkaCompareBenchmark.SYSTEMS) {
      Map<String, Map<String, Object>> l = med.get("endToEndLatency");
      latency.addSeries(system, percentiles, List.of((Double) l.get("p50Ms").get(system), (Double) l.get("p99Ms").get(system),
          (Double) l.get("p999Ms").get(system)));
    }
    for (CategoryChart c : List.of(throughput, latency)) {
      c.getStyler().setSeriesColors(new Color[] {COURANT, KAFKA});
    }
    sideBySide(png, throughput, latency);
  }

  static CategoryChart chart(String title, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(560).height(380).title(title).yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setPlotGridVerticalLinesVisible(false);
    c.getStyler().setLabelsVisible(true);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setDecimalPattern("#,##0.#");
    return c;
  }

  /** Charts drawn next to each other into one PNG. */
  static void sideBySide(Path png, CategoryChart... charts) throws IOException {
    int width = 0;
    int height = 0;
    for (CategoryChart c : charts) {
      width += c.getWidth();
      height = Math.max(height, c.getHeight());
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int x = 0;
    for (CategoryChart c : charts) {
      g.drawImage(BitmapEncoder.getBufferedImage(c), x, 0, null);
      x += c.getWidth();
    }
    g.dispose();
    Files.createDirectories(png.toAbsolutePath().getParent());
    ImageIO.write(image, "png", png.toFile());
  }
}
