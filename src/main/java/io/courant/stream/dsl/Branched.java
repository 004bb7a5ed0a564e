package io.courant.stream.dsl;

/**
 * The name of a branch of {@link KStream#split()}: the branch's stream is in the result map under
 * the split's prefix followed by this name (or the branch's index, from "1", or "0" for the default).
 *
 * <pre>{@code
 * orders.split("orders-").branch((id, o) -> o.paid(), Branched.as("paid")).defaultBranch(Branched.as("unpaid"));
 * }</pre>
 *
 * @param name the branch name, or null
 */
public record Branched(String name) {
  /**
   * A branch named {@code name}.
   *
   * @param name the branch's name (null: its number)
   * @return the branch options
   */
  public static Branched as(String name) {
    return new Branched(name);
  }
}
