package io.courant;

/**
 * Every error Courant reports at a boundary, with the number Kafka's protocol gives it.
 *
 * <p>This is the one mapping table: the Java API turns a code into an exception ({@code
 * io.courant.client.CourantException#of}), the HTTP routes into a status, the Kafka wire adapter
 * into its error code. {@link #retriable()} says whether trying the same request again can
 * succeed without changing it.
 */
public enum ErrorCode {
  UNKNOWN_SERVER_ERROR(-1, false),
  OFFSET_OUT_OF_RANGE(1, false),
  CORRUPT_MESSAGE(2, true),
  UNKNOWN_TOPIC_OR_PARTITION(3, true),
  LEADER_NOT_AVAILABLE(5, true),
  NOT_LEADER_OR_FOLLOWER(6, true),
  REQUEST_TIMED_OUT(7, true),
  MESSAGE_TOO_LARGE(10, false),
  INVALID_TOPIC_EXCEPTION(17, false),
  RECORD_LIST_TOO_LARGE(18, false),
  NOT_ENOUGH_REPLICAS(19, true),
  INVALID_REQUIRED_ACKS(21, false),
  TOPIC_ALREADY_EXISTS(36, false),
  INVALID_PARTITIONS(37, false),
  INVALID_REPLICATION_FACTOR(38, false),
  INVALID_REQUEST(42, false),
  POLICY_VIOLATION(44, false),
  OUT_OF_ORDER_SEQUENCE_NUMBER(45, false),
  DUPLICATE_SEQUENCE_NUMBER(46, false),
  INVALID_PRODUCER_EPOCH(47, false),
  KAFKA_STORAGE_ERROR(56, true),
  UNKNOWN_TOPIC_ID(100, true),
  INVALID_CONFIG(40, false),
  INVALID_RECORD(87, false),
  THROTTLING_QUOTA_EXCEEDED(89, true),
  UNSUPPORTED_VERSION(35, false),
  COORDINATOR_NOT_AVAILABLE(15, true),
  ILLEGAL_GENERATION(22, false),
  UNKNOWN_MEMBER_ID(25, false),
  REBALANCE_IN_PROGRESS(27, false),
  INVALID_GROUP_ID(24, false),
  NON_EMPTY_GROUP(68, false),
  GROUP_ID_NOT_FOUND(69, false),
  INCONSISTENT_GROUP_PROTOCOL(23, false),
  INVALID_SESSION_TIMEOUT(26, false),
  MEMBER_ID_REQUIRED(79, false),
  GROUP_SUBSCRIBED_TO_TOPIC(86, false);

  private final int kafkaCode;
  private final boolean retriable;

  ErrorCode(int kafkaCode, boolean retriable) {
    this.kafkaCode = kafkaCode;
    this.retriable = retriable;
  }

  /** The error code Kafka's wire protocol uses for this error. */
  public int kafkaCode() {
    return kafkaCode;
  }

  /** Whether the same request, sent again unchanged, may succeed. */
  public boolean retriable() {
    return retriable;
  }
}
