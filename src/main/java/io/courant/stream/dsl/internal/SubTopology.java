package io.courant.stream.dsl.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connected part of the graph between topics: one task per input partition runs it.
 *
 * @param id its number (task ids are {@code <id>_<partition>})
 * @param nodes its nodes in the order they were added
 * @param sourceTopics input topic (resolved name) to source node
 * @param stores the stores its processors use
 * @param repartitionSinks repartition topics (resolved) it writes, with their configured partition counts (or null)
 */
public record SubTopology(int id, List<String> nodes, Map<String, String> sourceTopics, Set<String> stores,
    Map<String, Integer> repartitionSinks) {}
