package io.courant.group;

import io.courant.client.TopicPartition;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchStatsTest {
  @Test
  void stats() {
    Random random = new Random(99);
    int[] hist = new int[8];
    long oursMoved = 0, kafkaMoved = 0; int oursWorse = 0, kafkaUnbalancedSame = 0, cases = 0;
    for (int walk = 0; walk < 2000; walk++) {
      StickyGroup group = new StickyGroup(new CooperativeStickyAssignor(), StickyGroup.randomTopics(random));
      for (int step = 0; step < 10; step++) {
        if (group.members().size() < 2 || group.members().size() < 7 && random.nextBoolean()) {
          group.join(StickyGroup.randomSubscription(random, group.partitionsPerTopic()), random);
        } else {
          group.leave(group.members().get(random.nextInt(group.members().size())));
        }
        // Kafka's eager sticky target for the same input, for comparison of moves
        Map<String, List<TopicPartition>> before = group.held();
        var subs = group.subscriptions();
        var kafka = KafkaAssignors.assign(new org.apache.kafka.clients.consumer.CooperativeStickyAssignor(), new KafkaAssignors.Group(group.partitionsPerTopic(), subs));
        int changes = group.rebalanceUntilStable(7);
        hist[changes]++;
        int om = StickyGroup.moved(before, group.held());
        // kafka revokes = partitions owned before but not in kafka's assignment for that member, and given to others later
        int km = 0;
        for (var e : before.entrySet()) for (var p : e.getValue()) if (kafka.containsKey(e.getKey()) && !kafka.get(e.getKey()).contains(p) && subs.get(e.getKey()).topics().contains(p.topic())) km++;
        oursMoved += om; kafkaMoved += km; cases++;
        if (om > km) oursWorse++;
      }
    }
    System.out.println("rounds histogram " + Arrays.toString(hist));
    System.out.println("cases " + cases + " ours moved " + oursMoved + " kafka revoked " + kafkaMoved + " oursWorse " + oursWorse);
  }
}
