package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.courant.client.NewTopic;
import io.courant.client.TopicPartition;
import io.courant.testing.Await;
import io.courant.testing.Batches;
import io.courant.testing.TestNode;
import io.courant.topic.TopicDescription;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka's protocol at the byte level: what well-behaved clients rely on (acks=0, response order,
 * idempotent retries) and what a broker does with bad input (close the connection, keep serving
 * everyone else, write nothing).
 */
class KafkaWireProtocolTest {
  private static final int MAX_FRAME = 64 * 1024;

  @RegisterExtension
  static final KafkaClients kafka = new KafkaClients(ConfigFactory.parseString(
      "courant.kafka.max-frame-bytes = " + MAX_FRAME + "\ncourant.kafka.auto-create-topics = off"));

  static String topic;

  @BeforeAll
  static void createTopic() {
    topic = TestNode.uniqueTopic("wire");
    TestNode.await(kafka.courant().createTopic(new NewTopic(topic, 1)));
  }

  private static RawKafkaConnection connect() throws IOException {
    return new RawKafkaConnection(kafka.port(), 10_000);
  }

  private static long endOffset(String name) {
    return TestNode.await(kafka.courant().latestOffset(new TopicPartition(name, 0)));
  }

  private static void assertStillServing() throws IOException {
    try (RawKafkaConnection c = connect()) {
      c.send(ApiKeys.API_VERSIONS, (short) 3, 1, new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"));
      ApiVersionsResponseData r = (ApiVersionsResponseData) c.receive(ApiKeys.API_VERSIONS, (short) 3).body();
      assertEquals(0, r.errorCode(), "a new connection is still answered");
    }
  }

  private static ProduceRequestData produce(String name, short acks, byte[] batch) {
    ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
    topics.add(new ProduceRequestData.TopicProduceData().setName(name).setPartitionData(List.of(
        new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(MemoryRecords.readableRecords(ByteBuffer.wrap(batch))))));
    return new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000).setTopicData(topics);
  }

  private static ProduceResponseData.PartitionProduceResponse produced(RawKafkaConnection c, int correlationId) throws IOException {
    var r = c.receive(ApiKeys.PRODUCE, (short) 9);
    assertEquals(correlationId, r.correlationId());
    return ((ProduceResponseData) r.body()).responses().iterator().next().partitionResponses().get(0);
  }

  private static FetchRequestData fetch(String name, long offset, int maxWaitMs) {
    return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20)
        .setSessionId(0).setSessionEpoch(-1).setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(name).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)))));
  }

  /** A frame whose header says {@code version} (the body written in {@code bodyVersion}). */
  private static byte[] withVersion(byte[] frame, short version) {
    ByteBuffer.wrap(frame).putShort(6, version);
    return frame;
  }

  @Test
  void apiVersionsAdvertisesProduceFromV0AndAnswersATooNewVersionInV0() throws Exception {
    try (RawKafkaConnection c = connect()) {
      c.send(ApiKeys.API_VERSIONS, (short) 3, 1, new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"));
      ApiVersionsResponseData r = (ApiVersionsResponseData) c.receive(ApiKeys.API_VERSIONS, (short) 3).body();
      var produce = r.apiKeys().find(ApiKeys.PRODUCE.id);
      assertEquals(0, produce.minVersion(), "librdkafka needs Produce advertised from v0");
      assertEquals(13, produce.maxVersion());
      assertEquals(18, r.apiKeys().find(ApiKeys.FETCH.id).maxVersion());
      assertEquals(null, r.apiKeys().find(ApiKeys.LEADER_AND_ISR.id), "only what Courant serves is advertised");

      byte[] tooNew = withVersion(RawKafkaConnection.request(ApiKeys.API_VERSIONS, (short) 3, 2,
          new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1")), (short) 99);
      c.send(tooNew);
      var fallback = c.receive(ApiKeys.API_VERSIONS, (short) 0);
      assertEquals(2, fallback.correlationId());
      ApiVersionsResponseData v0 = (ApiVersionsResponseData) fallback.body();
      assertEquals(35, v0.errorCode(), "UNSUPPORTED_VERSION");
      assertEquals(4, v0.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion(), "and the ApiVersions versions to retry with");
    }
  }

  @Test
  void anUnknownApiKeyClosesTheConnection() throws Exception {
    try (RawKafkaConnection c = connect()) {
      byte[] frame = RawKafkaConnection.request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData().setTopics(null));
      ByteBuffer.wrap(frame).putShort(4, (short) 4242);
      c.send(frame);
      assertTrue(c.closedByServer());
    }
    assertStillServing();
  }

  @Test
  void anUnsupportedVersionClosesTheConnection() throws Exception {
    try (RawKafkaConnection c = connect()) {
      c.send(withVersion(RawKafkaConnection.request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData().setTopics(null)),
          (short) 99));
      assertTrue(c.closedByServer());
    }
    try (RawKafkaConnection c = connect()) {
      c.send(withVersion(RawKafkaConnection.request(ApiKeys.FETCH, (short) 4, 1, fetch(topic, 0, 0)), (short) 3));
      assertTrue(c.closedByServer(), "Fetch below v4 is not served");
    }
    assertStillServing();
  }

  @Test
  void aMalformedBodyClosesTheConnection() throws Exception {
    try (RawKafkaConnection c = connect()) {
      byte[] frame = RawKafkaConnection.request(ApiKeys.METADATA, (short) 12, 1, new MetadataRequestData().setTopics(null));
      byte[] truncated = java.util.Arrays.copyOf(frame, frame.length + 7);
      ByteBuffer.wrap(truncated).putInt(0, truncated.length - 4).put(frame.length, (byte) 0x7f).put(frame.length + 1, (byte) 0x7f);
      c.send(truncated);
      assertTrue(c.closedByServer(), "trailing garbage after the body");
    }
    try (RawKafkaConnection c = connect()) {
      c.send(new byte[] {0, 0, 0, 3, 0, 3, 0});
      assertTrue(c.closedByServer(), "a frame too short for a header");
    }
    assertStillServing();
  }

  @Test
  void anOversizedOrNegativeFrameClosesTheConnectionWithoutReadingIt() throws Exception {
    try (RawKafkaConnection c = connect()) {
      c.send(ByteBuffer.allocate(4).putInt(MAX_FRAME + 1).array());
      assertTrue(c.closedByServer(), "the length alone is enough to refuse it");
    }
    try (RawKafkaConnection c = connect()) {
      c.send(ByteBuffer.allocate(4).putInt(-5).array());
      assertTrue(c.closedByServer());
    }
    assertStillServing();
  }

  @Test
  void aCorruptBatchIsRefusedAndNothingIsWritten() throws Exception {
    long before = endOffset(topic);
    byte[] batch = Batches.idempotent(-1, (short) -1, -1, "good", "record");
    batch[batch.length - 2] ^= 0x55; // inside the CRC-protected records
    try (RawKafkaConnection c = connect()) {
      c.send(ApiKeys.PRODUCE, (short) 9, 1, produce(topic, (short) -1, batch));
      assertEquals(2, produced(c, 1).errorCode(), "CORRUPT_MESSAGE");
    }
    assertEquals(before, endOffset(topic));
  }

  @Test
  void acksZeroGetsNoResponseAndResponsesComeInRequestOrder() throws Exception {
    String empty = TestNode.uniqueTopic("wire-empty");
    TestNode.await(kafka.courant().createTopic(new NewTopic(empty, 1)));
    long before = endOffset(topic);
    try (RawKafkaConnection c = connect()) {
      c.send(ApiKeys.PRODUCE, (short) 9, 1, produce(topic, (short) 0, Batches.idempotent(-1, (short) -1, -1, "fire-and-forget")));
      long start = System.nanoTime();
      c.send(ApiKeys.FETCH, (short) 12, 2, fetch(empty, 0, 1500)); // waits: nothing to read
      c.send(ApiKeys.API_VERSIONS, (short) 3, 3, new ApiVersionsRequestData().setClientSoftwareName("t").setClientSoftwareVersion("1"));
      var first = c.receive(ApiKeys.FETCH, (short) 12);
      assertEquals(2, first.correlationId(), "no response for acks=0; the long poll answers before the later ApiVersions");
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1000), "the fetch waited for data");
      assertEquals(0, ((FetchResponseData) first.body()).responses().get(0).partitions().get(0).errorCode());
      assertEquals(3, c.receive(ApiKeys.API_VERSIONS, (short) 3).correlationId());
    }
    Await.until("the acks=0 record being written", Duration.ofSeconds(10), () -> endOffset(topic) == before + 1);
  }

  @Test
  void anIdempotentRetryGetsTheOriginalOffsetsAndASequenceGapIsRefused() throws Exception {
    long producerId = 7_000_000_000L + new Random().nextInt(1_000_000);
    byte[] batch = Batches.idempotent(producerId, (short) 0, 0, "once", "only");
    try (RawKafkaConnection c = connect()) {
      c.send(ApiKeys.PRODUCE, (short) 9, 1, produce(topic, (short) -1, batch));
      var first = produced(c, 1);
      assertEquals(0, first.errorCode());
      c.send(ApiKeys.PRODUCE, (short) 9, 2, produce(topic, (short) -1, batch));
      var retry = produced(c, 2);
      assertEquals(0, retry.errorCode());
      assertEquals(first.baseOffset(), retry.baseOffset(), "the retried batch is answered with its offsets, not stored again");
      c.send(ApiKeys.PRODUCE, (short) 9, 3, produce(topic, (short) -1, Batches.idempotent(producerId, (short) 0, 5, "gap")));
      assertEquals(45, produced(c, 3).errorCode(), "OUT_OF_ORDER_SEQUENCE_NUMBER");
      assertEquals(first.baseOffset() + 2, endOffset(topic));
    }
  }

  @Test
  void aRetryOfABatchOlderThanTheRememberedOnesIsADuplicateNotASequenceGap() throws Exception {
    // A producer that got no answer in time sends a batch again after later ones were stored (found
    // by the Jepsen-style test): answered OUT_OF_ORDER_SEQUENCE_NUMBER, the Kafka producer retried it
    // until its delivery timeout, then bumped its epoch and stored it a second time.
    long producerId = 8_000_000_000L + new Random().nextInt(1_000_000);
    try (RawKafkaConnection c = connect()) {
      for (int seq = 0; seq < 7; seq++) {
        c.send(ApiKeys.PRODUCE, (short) 9, seq + 1, produce(topic, (short) -1, Batches.idempotent(producerId, (short) 0, seq, "r" + seq)));
        assertEquals(0, produced(c, seq + 1).errorCode());
      }
      long end = endOffset(topic);
      c.send(ApiKeys.PRODUCE, (short) 9, 8, produce(topic, (short) -1, Batches.idempotent(producerId, (short) 0, 0, "r0")));
      assertEquals(46, produced(c, 8).errorCode(), "DUPLICATE_SEQUENCE_NUMBER, which producers take as success");
      assertEquals(end, endOffset(topic), "not stored again");
    }
  }

  @Test
  void everyServedVersionOfMetadataProduceFetchAndListOffsetsIsAnswered() throws Exception {
    UUID id = TestNode.await(kafka.courant().describeTopic(topic)).topicId();
    Uuid topicId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    try (RawKafkaConnection c = connect()) {
      int correlation = 0;
      for (short v = ApiKeys.METADATA.oldestVersion(); v <= ApiKeys.METADATA.latestVersion(); v++) {
        c.send(ApiKeys.METADATA, v, ++correlation, new MetadataRequestData().setAllowAutoTopicCreation(v < 4).setTopics(List.of(
            new MetadataRequestData.MetadataRequestTopic().setName(topic))));
        var r = (MetadataResponseData) c.receive(ApiKeys.METADATA, v).body();
        assertEquals(0, r.topics().find(topic).errorCode(), "Metadata v" + v);
        assertEquals(v >= 10 ? topicId : Uuid.ZERO_UUID, r.topics().find(topic).topicId(), "Metadata v" + v);
      }
      for (short v = ApiKeys.PRODUCE.oldestVersion(); v <= ApiKeys.PRODUCE.latestVersion(); v++) {
        ProduceRequestData req = produce(topic, (short) -1, Batches.idempotent(-1, (short) -1, -1, "v" + v));
        if (v >= 13) {
          req.topicData().iterator().next().setName("").setTopicId(topicId);
        }
        c.send(ApiKeys.PRODUCE, v, ++correlation, req);
        var r = (ProduceResponseData) c.receive(ApiKeys.PRODUCE, v).body();
        assertEquals(0, r.responses().iterator().next().partitionResponses().get(0).errorCode(), "Produce v" + v);
      }
      for (short v = ApiKeys.FETCH.oldestVersion(); v <= ApiKeys.FETCH.latestVersion(); v++) {
        FetchRequestData req = fetch(topic, 0, 0);
        if (v >= 13) {
          req.topics().get(0).setTopic("").setTopicId(topicId);
        }
        c.send(ApiKeys.FETCH, v, ++correlation, req);
        var r = (FetchResponseData) c.receive(ApiKeys.FETCH, v).body();
        var partition = r.responses().get(0).partitions().get(0);
        assertEquals(0, partition.errorCode(), "Fetch v" + v);
        assertTrue(partition.records().sizeInBytes() > 0, "Fetch v" + v + " returns the stored batches");
      }
      for (short v = ApiKeys.LIST_OFFSETS.oldestVersion(); v <= ApiKeys.LIST_OFFSETS.latestVersion(); v++) {
        c.send(ApiKeys.LIST_OFFSETS, v, ++correlation, new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
            new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))))));
        var r = (ListOffsetsResponseData) c.receive(ApiKeys.LIST_OFFSETS, v).body();
        assertEquals(0, r.topics().get(0).partitions().get(0).errorCode(), "ListOffsets v" + v);
        assertEquals(endOffset(topic), r.topics().get(0).partitions().get(0).offset(), "ListOffsets v" + v);
      }
    }
  }

  private static JoinGroupRequestData join(String group, String memberId, byte[] metadata) {
    JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
    protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
    return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setProtocolType("consumer").setProtocols(protocols)
        .setSessionTimeoutMs(2_000).setRebalanceTimeoutMs(2_000);
  }

  /** Joins as a new member (MEMBER_ID_REQUIRED first, as Kafka asks of v4+ clients); returns the join phase's answer. */
  private static JoinGroupResponseData joinAsNewMember(RawKafkaConnection c, String group, byte[] metadata) throws IOException {
    c.send(ApiKeys.JOIN_GROUP, (short) 9, 1, join(group, "", metadata));
    JoinGroupResponseData first = (JoinGroupResponseData) c.receive(ApiKeys.JOIN_GROUP, (short) 9).body();
    assertEquals(79, first.errorCode(), "MEMBER_ID_REQUIRED");
    assertFalse(first.memberId().isEmpty());
    c.send(ApiKeys.JOIN_GROUP, (short) 9, 2, join(group, first.memberId(), metadata));
    JoinGroupResponseData joined = (JoinGroupResponseData) c.receive(ApiKeys.JOIN_GROUP, (short) 9).body();
    assertEquals(0, joined.errorCode());
    assertEquals(first.memberId(), joined.memberId());
    return joined;
  }

  @Test
  void aMemberThatStopsHeartbeatingIsDroppedAndTheNextGenerationGoesOnWithout() throws Exception {
    String group = TestNode.uniqueTopic("expiry-g");
    try (RawKafkaConnection a = connect(); RawKafkaConnection b = connect()) {
      JoinGroupResponseData first = joinAsNewMember(a, group, new byte[] {1, 2, 3});
      assertEquals(first.memberId(), first.leader(), "the only member leads");
      assertEquals(1, first.members().size());
      assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList(first.members().get(0).metadata()), "metadata passes through as sent");
      a.send(ApiKeys.SYNC_GROUP, (short) 5, 3, new SyncGroupRequestData().setGroupId(group).setGenerationId(first.generationId())
          .setMemberId(first.memberId()).setProtocolType("consumer").setProtocolName("range").setAssignments(List.of(
              new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(first.memberId()).setAssignment(new byte[] {9, 8}))));
      assertEquals(List.of((byte) 9, (byte) 8), toList(((SyncGroupResponseData) a.receive(ApiKeys.SYNC_GROUP, (short) 5).body())
          .assignment()), "the leader's assignment comes back as it was encoded");

      // b joins; a neither heartbeats nor rejoins: once its session / rebalance timeout (2 s) is over,
      // the join barrier lets b through alone, in the next generation.
      long start = System.nanoTime();
      JoinGroupResponseData second = joinAsNewMember(b, group, new byte[] {4});
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1_500), "the barrier waited for the silent member");
      assertEquals(first.generationId() + 1, second.generationId());
      assertEquals(second.memberId(), second.leader());
      assertEquals(1, second.members().size(), "the silent member was dropped");

      a.send(ApiKeys.HEARTBEAT, (short) 4, 4, new HeartbeatRequestData().setGroupId(group).setGenerationId(first.generationId())
          .setMemberId(first.memberId()));
      assertEquals(25, ((HeartbeatResponseData) a.receive(ApiKeys.HEARTBEAT, (short) 4).body()).errorCode(), "UNKNOWN_MEMBER_ID");
      b.send(ApiKeys.HEARTBEAT, (short) 4, 5, new HeartbeatRequestData().setGroupId(group).setGenerationId(first.generationId())
          .setMemberId(second.memberId()));
      assertEquals(22, ((HeartbeatResponseData) b.receive(ApiKeys.HEARTBEAT, (short) 4).body()).errorCode(),
          "ILLEGAL_GENERATION for an old generation");
    }
  }

  private static List<Byte> toList(byte[] bytes) {
    List<Byte> out = new java.util.ArrayList<>();
    for (byte x : bytes) {
      out.add(x);
    }
    return out;
  }

  /** Sends {@code body(v)} in every version of {@code api} and checks each response's error code. */
  private static void everyVersion(RawKafkaConnection c, ApiKeys api, IntFunction<ApiMessage> body,
      ToIntFunction<ApiMessage> errorOf, int expectedError) throws IOException {
    for (short v = api.oldestVersion(); v <= api.latestVersion(); v++) {
      c.send(api, v, 1000 + v, body.apply(v));
      var r = c.receive(api, v);
      assertEquals(1000 + v, r.correlationId());
      assertEquals(expectedError, errorOf.applyAsInt(r.body()), api + " v" + v);
    }
  }

  @Test
  void everyServedVersionOfTheGroupAndAdminApisIsAnswered() throws Exception {
    String group = TestNode.uniqueTopic("versions-g");
    UUID id = TestNode.await(kafka.courant().describeTopic(topic)).topicId();
    Uuid topicId = new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    try (RawKafkaConnection c = connect()) {
      everyVersion(c, ApiKeys.FIND_COORDINATOR, v -> v < 4 ? new FindCoordinatorRequestData().setKey(group)
              : new FindCoordinatorRequestData().setCoordinatorKeys(List.of(group)),
          m -> { var r = (FindCoordinatorResponseData) m;
            return r.coordinators().isEmpty() ? r.errorCode() : r.coordinators().get(0).errorCode(); }, 0);
      everyVersion(c, ApiKeys.OFFSET_COMMIT, v -> new OffsetCommitRequestData().setGroupId(group)
              .setGenerationIdOrMemberEpoch(-1).setMemberId("").setTopics(List.of(new OffsetCommitRequestData
                  .OffsetCommitRequestTopic().setName(topic).setTopicId(v >= 10 ? topicId : Uuid.ZERO_UUID).setPartitions(List.of(new OffsetCommitRequestData
                      .OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(v))))),
          m -> ((OffsetCommitResponseData) m).topics().get(0).partitions().get(0).errorCode(), 0);
      everyVersion(c, ApiKeys.OFFSET_FETCH, v -> v < 8
              ? new OffsetFetchRequestData().setGroupId(group).setTopics(v < 2 ? List.of(
                  new OffsetFetchRequestData.OffsetFetchRequestTopic().setName(topic)
                      .setPartitionIndexes(List.of(0))) : null)
              : new OffsetFetchRequestData().setGroups(List.of(
                  new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(null))),
          m -> { var r = (OffsetFetchResponseData) m;
            long offset = r.groups().isEmpty() ? r.topics().get(0).partitions().get(0).committedOffset()
                : r.groups().get(0).topics().get(0).partitions().get(0).committedOffset();
            return offset == ApiKeys.OFFSET_COMMIT.latestVersion() ? 0 : -1; }, 0);
      everyVersion(c, ApiKeys.JOIN_GROUP, v -> new JoinGroupRequestData().setGroupId(group)
              .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setMemberId("").setProtocolType("consumer"),
          m -> ((JoinGroupResponseData) m).errorCode(), 23); // no protocols: INCONSISTENT_GROUP_PROTOCOL
      everyVersion(c, ApiKeys.SYNC_GROUP, v -> new SyncGroupRequestData().setGroupId(group)
              .setGenerationId(1).setMemberId("nobody").setProtocolType("consumer").setProtocolName("range"),
          m -> ((SyncGroupResponseData) m).errorCode(), 25); // UNKNOWN_MEMBER_ID
      everyVersion(c, ApiKeys.HEARTBEAT, v -> new HeartbeatRequestData().setGroupId(group).setGenerationId(1).setMemberId("nobody"),
          m -> ((HeartbeatResponseData) m).errorCode(), 25);
      everyVersion(c, ApiKeys.LEAVE_GROUP, v -> v < 3 ? new LeaveGroupRequestData().setGroupId(group)
              .setMemberId("nobody") : new LeaveGroupRequestData().setGroupId(group).setMembers(List.of(
                  new LeaveGroupRequestData.MemberIdentity().setMemberId("nobody"))),
          m -> { var r = (LeaveGroupResponseData) m;
            return r.members().isEmpty() ? r.errorCode() : r.members().get(0).errorCode(); }, 25);
      everyVersion(c, ApiKeys.DESCRIBE_GROUPS, v -> new DescribeGroupsRequestData().setGroups(List.of(group)),
          m -> ((DescribeGroupsResponseData) m).groups().get(0).errorCode(), 0);
      everyVersion(c, ApiKeys.LIST_GROUPS, v -> new ListGroupsRequestData(),
          m -> ((ListGroupsResponseData) m).groups().stream().anyMatch(g -> g.groupId().equals(group)) ? 0 : -1, 0);
      everyVersion(c, ApiKeys.INIT_PRODUCER_ID, v -> new InitProducerIdRequestData().setTransactionalId(null)
              .setTransactionTimeoutMs(60_000).setProducerId(-1).setProducerEpoch((short) -1),
          m -> ((InitProducerIdResponseData) m).producerId() > 0 ? 0 : -1, 0);
      everyVersion(c, ApiKeys.DESCRIBE_CLUSTER, v -> new DescribeClusterRequestData(),
          m -> ((DescribeClusterResponseData) m).brokers().size() == 1 ? 0 : -1, 0);
      everyVersion(c, ApiKeys.DESCRIBE_CONFIGS, v -> new DescribeConfigsRequestData().setResources(List.of(
              new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                  .setResourceName(topic).setConfigurationKeys(null))),
          m -> ((DescribeConfigsResponseData) m).results().get(0).configs().isEmpty() ? -1 : 0, 0);
      everyVersion(c, ApiKeys.CREATE_TOPICS, v -> {
            var topics = new CreateTopicsRequestData.CreatableTopicCollection();
            topics.add(new CreateTopicsRequestData.CreatableTopic().setName(topic + "-v" + v)
                .setNumPartitions(1).setReplicationFactor((short) 1));
            return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000);
          },
          m -> ((CreateTopicsResponseData) m).topics().iterator().next().errorCode(), 0);
      everyVersion(c, ApiKeys.CREATE_PARTITIONS, v -> {
            var topics = new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
            topics.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(topic + "-v2")
                .setCount(2 + v).setAssignments(null));
            return new CreatePartitionsRequestData().setTopics(topics).setTimeoutMs(30_000);
          },
          m -> ((CreatePartitionsResponseData) m).results().get(0).errorCode(), 0);
      everyVersion(c, ApiKeys.INCREMENTAL_ALTER_CONFIGS, v -> {
            var configs = new IncrementalAlterConfigsRequestData.AlterableConfigCollection();
            configs.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
                .setConfigOperation((byte) 0).setValue(String.valueOf(60_000 + v)));
            var resources = new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection();
            resources.add(new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                .setResourceType((byte) 2).setResourceName(topic + "-v2").setConfigs(configs));
            return new IncrementalAlterConfigsRequestData().setResources(resources);
          },
          m -> ((IncrementalAlterConfigsResponseData) m).responses().get(0).errorCode(), 0);
      everyVersion(c, ApiKeys.DELETE_RECORDS, v -> new DeleteRecordsRequestData().setTimeoutMs(1000)
              .setTopics(List.of(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic + "-v2")
                  .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                      .setPartitionIndex(0).setOffset(-1))))),
          m -> ((DeleteRecordsResponseData) m).topics().iterator().next().partitions().iterator().next()
              .errorCode(), 0); // -1: up to the log end
      everyVersion(c, ApiKeys.OFFSET_DELETE, v -> {
            var topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
            topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(topic).setPartitions(
                List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
            return new OffsetDeleteRequestData().setGroupId(group).setTopics(topics);
          },
          m -> ((OffsetDeleteResponseData) m).errorCode(), 0);
      everyVersion(c, ApiKeys.DELETE_GROUPS, v -> new DeleteGroupsRequestData().setGroupsNames(
              List.of("never-" + group)),
          m -> ((DeleteGroupsResponseData) m).results().iterator().next().errorCode(), 69);
      everyVersion(c, ApiKeys.DELETE_TOPICS, v -> v < 6
              ? new DeleteTopicsRequestData().setTopicNames(List.of(topic + "-v" + (v + 1)))
              : new DeleteTopicsRequestData().setTopics(List.of(
                  new DeleteTopicsRequestData.DeleteTopicState().setName(topic + "-v" + (v + 1)))),
          m -> ((DeleteTopicsResponseData) m).responses().iterator().next().errorCode(), 0);
    }
  }

  /** Valid requests that write nothing when mutated into other valid ones (no such topic, no auto-create). */
  private static List<byte[]> fuzzSeeds() {
    String none = "fuzz-none";
    return List.of(
        RawKafkaConnection.request(ApiKeys.API_VERSIONS, (short) 3, 1,
            new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1")),
        RawKafkaConnection.request(ApiKeys.METADATA, (short) 12, 2, new MetadataRequestData().setTopics(null)),
        RawKafkaConnection.request(ApiKeys.PRODUCE, (short) 9, 3, produce(none, (short) -1, Batches.idempotent(-1, (short) -1, -1, "x"))),
        RawKafkaConnection.request(ApiKeys.FETCH, (short) 12, 4, fetch(none, 0, 10)),
        RawKafkaConnection.request(ApiKeys.LIST_OFFSETS, (short) 7, 5, new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
            new ListOffsetsRequestData.ListOffsetsTopic().setName(none).setPartitions(List.of(
                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))))),
        RawKafkaConnection.request(ApiKeys.HEARTBEAT, (short) 4, 6,
            new HeartbeatRequestData().setGroupId("fuzz-group").setGenerationId(1).setMemberId("m")));
  }

  @Test
  void randomAndMutatedFramesLeaveTheNodeHealthyAndWriteNothing() throws Exception {
    Set<String> topicsBefore = TestNode.await(kafka.courant().listTopics()).stream().map(TopicDescription::name)
        .collect(Collectors.toSet());
    long endBefore = endOffset(topic);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<byte[]> seeds = fuzzSeeds();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int sent = 0;
    while (sent < 1500 && System.nanoTime() < deadline) {
      byte[] frame;
      if (random.nextBoolean()) {
        frame = new byte[4 + random.nextInt(64)];
        random.nextBytes(frame);
        if (random.nextBoolean()) {
          ByteBuffer.wrap(frame).putInt(0, frame.length - 4);
        }
      } else {
        frame = seeds.get(random.nextInt(seeds.size())).clone();
        for (int flips = 1 + random.nextInt(6); flips > 0; flips--) {
          frame[4 + random.nextInt(frame.length - 4)] = (byte) random.nextInt(256);
        }
      }
      try (RawKafkaConnection c = new RawKafkaConnection(kafka.port(), 50)) {
        c.send(frame);
        c.closedByServer();
      } catch (IOException e) {
        // the server may close before the whole frame is written
      }
      sent++;
    }
    assertTrue(sent >= 100, "the fuzzer ran (seed " + seed + ")");
    assertStillServing();
    assertEquals(topicsBefore, TestNode.await(kafka.courant().listTopics()).stream().map(TopicDescription::name)
        .collect(Collectors.toSet()), "no topic was created or deleted (seed " + seed + ")");
    assertEquals(endBefore, endOffset(topic), "nothing was written (seed " + seed + ")");

    try (KafkaProducer<String, String> producer = kafka.producer(Map.of());
        KafkaConsumer<String, String> consumer = kafka.consumer(Map.of())) {
      producer.send(new ProducerRecord<>(topic, "after", "fuzz")).get(30, TimeUnit.SECONDS);
      var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seek(tp, endBefore);
      var records = consumer.poll(Duration.ofSeconds(10));
      assertFalse(records.isEmpty(), "real clients still produce and consume (seed " + seed + ")");
      assertNotNull(records.iterator().next().value());
    }
  }
}
