package io.courant.bench;

import java.util.Map;

/** Progress lines while a benchmark runs: step n of total, time so far and an estimate of the time left. */
final class Progress {
  private final String name;
  private final long start = System.nanoTime();
  private int total;
  private int done;
  private long firstStep;

  Progress(String name) {
    this.name = name;
  }

  void total(int steps) {
    total = steps;
    done = 0;
    firstStep = System.nanoTime();
  }

  /** A step begins. */
  void step(String what) {
    double elapsed = (System.nanoTime() - firstStep) / 1e9;
    String eta = done == 0 ? "" : String.format(", ~%s left", time(elapsed / done * (total - done)));
    done++;
    System.out.printf("[%s %s] step %d/%d%s: %s%n", name, time((System.nanoTime() - start) / 1e9), done, total, eta, what);
    System.out.flush();
  }

  void say(String what) {
    System.out.printf("[%s %s] %s%n", name, time((System.nanoTime() - start) / 1e9), what);
    System.out.flush();
  }

  void detail(Map<String, Object> result) {
    System.out.printf("    %s%n", result);
    System.out.flush();
  }

  private static String time(double seconds) {
    long s = Math.round(seconds);
    return String.format("%d:%02d", s / 60, s % 60);
  }
}
