package io.courant.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which node hosts which partition: the cluster's brokers and, for each, the partitions it hosts
 * ({@code /v3/clusters/{id}/brokers/{broker_id}/partition-replicas}).
 */
final class Placement {
  private final List<JsonNode> brokers;
  private final Map<Integer, List<JsonNode>> hosted;

  private Placement(List<JsonNode> brokers, Map<Integer, List<JsonNode>> hosted) {
    this.brokers = brokers;
    this.hosted = hosted;
  }

  static Placement read(NodeClient client) {
    List<JsonNode> brokers = new ArrayList<>();
    client.get(client.v3("/brokers")).path("data").forEach(brokers::add);
    Map<Integer, List<JsonNode>> hosted = new LinkedHashMap<>();
    for (JsonNode b : brokers) {
      int id = b.path("broker_id").asInt();
      List<JsonNode> replicas = new ArrayList<>();
      client.get(client.v3("/brokers/" + id + "/partition-replicas")).path("data").forEach(replicas::add);
      hosted.put(id, replicas);
    }
    return new Placement(brokers, hosted);
  }

  List<JsonNode> brokers() {
    return brokers;
  }

  /** The partitions (v3 replica resources: topic_name, partition_id) a broker hosts. */
  List<JsonNode> hostedBy(int brokerId) {
    return hosted.getOrDefault(brokerId, List.of());
  }

  /** Partition number to the broker that hosts it, for one topic; partitions on no node are absent. */
  Map<Integer, JsonNode> nodeOf(String topic) {
    Map<Integer, JsonNode> out = new HashMap<>();
    for (JsonNode b : brokers) {
      for (JsonNode r : hostedBy(b.path("broker_id").asInt())) {
        if (r.path("topic_name").asText().equals(topic)) {
          out.put(r.path("partition_id").asInt(), b);
        }
      }
    }
    return out;
  }
}
