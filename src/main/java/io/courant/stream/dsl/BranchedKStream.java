package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.Lambda;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The branches of {@link KStream#split()}: each record goes to the first branch whose predicate it
 * satisfies, else to the default branch (or nowhere). Stateless; does not repartition.
 *
 * <pre>{@code
 * Map<String, KStream<String, Order>> branches = orders.split("orders-")
 *     .branch((k, o) -> o.qty() > 100, Branched.as("large"))
 *     .defaultBranch(Branched.as("small"));
 * branches.get("orders-large").to("large-orders");
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BranchedKStream<K, V> {
  private final KStream<K, V> stream;
  private final String prefix;
  private final String splitNode;
  private final List<Predicate<? super K, ? super V>> predicates = new ArrayList<>();
  private final List<String> children = new ArrayList<>();
  private final Map<String, KStream<K, V>> result = new LinkedHashMap<>();
  private String defaultChild;

  BranchedKStream(KStream<K, V> stream, String prefix) {
    this.stream = stream;
    this.prefix = prefix;
    this.splitNode = stream.builder.graph.newName("KSTREAM-BRANCH");
    stream.builder.graph.addProcessor(splitNode, Lambda.processor((r, c) -> {
      for (int i = 0; i < predicates.size(); i++) {
        @SuppressWarnings("unchecked")
        Predicate<Object, Object> p = (Predicate<Object, Object>) predicates.get(i);
        if (p.test(r.key(), r.value())) {
          c.forward(r, children.get(i));
          return;
        }
      }
      if (defaultChild != null) {
        c.forward(r, defaultChild);
      }
    }), stream.node);
  }

  /**
   * A branch named by its number (from 1).
   *
   * @param predicate decides, per key and value, whether a record belongs to the branch
   * @return this object, to add more branches
   */
  public BranchedKStream<K, V> branch(Predicate<? super K, ? super V> predicate) {
    return branch(predicate, Branched.as(null));
  }

  /**
   * A named branch.
   *
   * @param predicate decides, per key and value, whether a record belongs to the branch
   * @param branched the branch's name (null: its number)
   * @return this object, to add more branches
   */
  public BranchedKStream<K, V> branch(Predicate<? super K, ? super V> predicate, Branched branched) {
    java.util.Objects.requireNonNull(predicate, "predicate");
    if (defaultChild != null) {
      throw new IllegalStateException("no branch can be added after the default branch");
    }
    predicates.add(predicate);
    children.add(addBranch(branched.name() != null ? branched.name() : String.valueOf(predicates.size())));
    return this;
  }

  /**
   * The records no predicate matched, as branch "0" (or the given name); ends the split.
   *
   * @return the branches by name (map keys are the prefix and branch names)
   */
  public Map<String, KStream<K, V>> defaultBranch() {
    return defaultBranch(Branched.as(null));
  }

  /**
   * The records no predicate matched, as a named branch; ends the split.
   *
   * @param branched the branch's name (null: its number)
   * @return the branches by name
   */
  public Map<String, KStream<K, V>> defaultBranch(Branched branched) {
    defaultChild = addBranch(branched.name() != null ? branched.name() : "0");
    return Map.copyOf(result);
  }

  /**
   * Ends the split; records no predicate matched are dropped.
   *
   * @return the branches by name
   */
  public Map<String, KStream<K, V>> noDefaultBranch() {
    return Map.copyOf(result);
  }

  private String addBranch(String name) {
    String key = prefix + name;
    if (result.containsKey(key)) {
      throw new IllegalArgumentException("the split already has a branch named '" + key + "'");
    }
    String node = stream.builder.graph.newName("KSTREAM-BRANCHCHILD");
    stream.builder.graph.addProcessor(node, Lambda.processor((r, c) -> c.forward(r)), splitNode);
    result.put(key, new KStream<>(stream.builder, node, stream.keySerde, stream.valueSerde, stream.repartitionRequired));
    return node;
  }
}
