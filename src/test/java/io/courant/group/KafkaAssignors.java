package io.courant.group;

import io.courant.client.TopicPartition;
import io.courant.group.PartitionAssignor.Subscription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;

/** Random groups, and what Kafka's own assignors make of them. */
final class KafkaAssignors {
  private static final Node NODE = new Node(0, "localhost", 9092);

  private KafkaAssignors() {}

  /**
   * A group as an assignor sees it: topic sizes and subscriptions.
   *
   * @param partitionsPerTopic the existing topics
   * @param subscriptions the members' subscriptions
   */
  record Group(Map<String, Integer> partitionsPerTopic, Map<String, Subscription> subscriptions) {}

  /**
   * 1–6 members, 1–4 topics of 1–12 partitions, each member subscribed to a random non-empty set of
   * them; sometimes also to a topic that does not exist, sometimes a topic nobody subscribes to,
   * random member ids and some static members.
   */
  static Group randomGroup(Random random) {
    Map<String, Integer> partitionsPerTopic = new HashMap<>();
    List<String> topics = new ArrayList<>();
    int topicCount = 1 + random.nextInt(4);
    for (int t = 0; t < topicCount; t++) {
      String topic = "topic-" + (char) ('a' + random.nextInt(26)) + t;
      topics.add(topic);
      partitionsPerTopic.put(topic, 1 + random.nextInt(12));
    }
    if (random.nextInt(4) == 0) {
      partitionsPerTopic.put("unsubscribed", 1 + random.nextInt(12));
    }
    Map<String, Subscription> subscriptions = new HashMap<>();
    Set<String> instanceIds = new HashSet<>();
    int memberCount = 1 + random.nextInt(6);
    while (subscriptions.size() < memberCount) {
      List<String> subscribed = new ArrayList<>(topics.stream().filter(t -> random.nextBoolean()).toList());
      if (subscribed.isEmpty()) {
        subscribed.add(topics.get(random.nextInt(topics.size())));
      }
      if (random.nextInt(5) == 0) {
        subscribed.add("does-not-exist");
      }
      Optional<String> instanceId = Optional.of("instance-" + random.nextInt(100))
          .filter(id -> random.nextInt(3) == 0 && instanceIds.add(id));
      subscriptions.put("consumer-" + random.nextInt(1000), new Subscription(subscribed, List.of(), Optional.empty(), instanceId));
    }
    return new Group(partitionsPerTopic, subscriptions);
  }

  /** Kafka's assignment of the group, each member's partitions sorted by topic then partition. */
  static Map<String, List<TopicPartition>> assign(ConsumerPartitionAssignor kafkaAssignor, Group group) {
    List<PartitionInfo> partitions = new ArrayList<>();
    group.partitionsPerTopic().forEach((topic, count) -> {
      for (int p = 0; p < count; p++) {
        partitions.add(new PartitionInfo(topic, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
      }
    });
    Cluster cluster = new Cluster("courant", List.of(NODE), partitions, Set.of(), Set.of());
    Map<String, ConsumerPartitionAssignor.Subscription> subscriptions = new HashMap<>();
    group.subscriptions().forEach((member, subscription) -> {
      List<org.apache.kafka.common.TopicPartition> owned = subscription.ownedPartitions().stream()
          .map(tp -> new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition())).toList();
      var kafkaSubscription = new ConsumerPartitionAssignor.Subscription(
          subscription.topics(), null, owned, subscription.generationId().orElse(-1), Optional.empty());
      kafkaSubscription.setGroupInstanceId(subscription.groupInstanceId());
      subscriptions.put(member, kafkaSubscription);
    });
    Map<String, List<TopicPartition>> result = new TreeMap<>();
    kafkaAssignor.assign(cluster, new GroupSubscription(subscriptions)).groupAssignment().forEach((member, assignment) ->
        result.put(member, assignment.partitions().stream()
            .map(tp -> new TopicPartition(tp.topic(), tp.partition()))
            .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
            .toList()));
    return result;
  }
}
