package io.courant.client;

import io.courant.ErrorCode;

/**
 * Base of the errors Courant's Java API reports. Subclasses of {@link RetriableException} may
 * succeed when the same request is sent again; the others will not without changing the request.
 * {@link #code()} is the error's entry in the one mapping table, {@link ErrorCode}.
 */
public class CourantException extends RuntimeException {
  private final ErrorCode code;

  public CourantException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retriable() {
    return this instanceof RetriableException;
  }

  /** The exception for an error code. */
  public static CourantException of(ErrorCode code, String message) {
    return switch (code) {
      case UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID -> new UnknownTopicOrPartitionException(code, message);
      case OFFSET_OUT_OF_RANGE -> new OffsetOutOfRangeException(message);
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> new RecordTooLargeException(code, message);
      case CORRUPT_MESSAGE -> new CorruptRecordException(message);
      case INVALID_TOPIC_EXCEPTION -> new InvalidTopicException(message);
      case TOPIC_ALREADY_EXISTS -> new TopicExistsException(message);
      case INVALID_CONFIG -> new InvalidConfigurationException(message);
      case INVALID_PARTITIONS -> new InvalidPartitionsException(message);
      case OUT_OF_ORDER_SEQUENCE_NUMBER, DUPLICATE_SEQUENCE_NUMBER -> new OutOfOrderSequenceException(code, message);
      case INVALID_PRODUCER_EPOCH -> new ProducerFencedException(message);
      case KAFKA_STORAGE_ERROR, NOT_ENOUGH_REPLICAS -> new StorageException(code, message);
      case REQUEST_TIMED_OUT -> new TimeoutException(message);
      case NOT_LEADER_OR_FOLLOWER -> new NotLeaderException(message);
      case GROUP_ID_NOT_FOUND -> new GroupIdNotFoundException(message);
      case NON_EMPTY_GROUP -> new GroupNotEmptyException(message);
      case UNKNOWN_MEMBER_ID -> new UnknownMemberIdException(message);
      case ILLEGAL_GENERATION -> new IllegalGenerationException(message);
      case INVALID_GROUP_ID -> new InvalidGroupIdException(message);
      case INCONSISTENT_GROUP_PROTOCOL -> new InconsistentGroupProtocolException(message);
      case INVALID_SESSION_TIMEOUT -> new InvalidSessionTimeoutException(message);
      case REBALANCE_IN_PROGRESS -> new RebalanceInProgressException(message);
      default -> code.retriable() ? new RetriableException(code, message) : new CourantException(code, message);
    };
  }
}
