package io.courant.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.courant.ErrorCode;
import io.courant.client.CourantException;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Responses of the API, and the one place where failures become HTTP statuses and the bridge's
 * error body {@code {"error_code": <int>, "message": "..."}}.
 */
public final class Responses {
  /** The bridge's media type of admin and consumer calls. */
  public static final ContentType V2 = MediaTypes.applicationWithFixedCharset("vnd.kafka.v2+json", HttpCharsets.UTF_8).toContentType();
  /** The v3 admin API's media type. */
  public static final ContentType JSON = ContentTypes.APPLICATION_JSON;

  private Responses() {}

  public static HttpResponse json(int status, JsonNode body, ContentType type) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(type, Json.bytes(body)));
  }

  public static HttpResponse ok(JsonNode body, ContentType type) {
    return json(200, body, type);
  }

  public static HttpResponse noContent() {
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
  }

  /** The response for a failed request. */
  public static HttpResponse error(Throwable failure, ContentType type) {
    ApiError e = apiError(failure);
    return json(e.status(), errorBody(e.errorCode(), e.getMessage()), type);
  }

  public static JsonNode errorBody(int errorCode, String message) {
    return Json.object().put("error_code", errorCode).put("message", message == null ? "" : message);
  }

  /** Any failure as an {@link ApiError}: its status, error code and message. */
  public static ApiError apiError(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof ApiError e) {
      return e;
    }
    if (t instanceof CourantException c) {
      return fromCode(c.code(), c.getMessage());
    }
    if (t instanceof EntityStreamSizeException s) {
      return new ApiError(413, 413, "the request body is larger than the limit of " + s.limit() + " bytes (courant.http.max-request-bytes)");
    }
    if (t instanceof IllegalArgumentException) {
      return ApiError.invalid(t.getMessage());
    }
    if (t instanceof IllegalStateException) {
      return new ApiError(409, 409, t.getMessage());
    }
    if (t instanceof java.util.concurrent.TimeoutException || t instanceof org.apache.pekko.pattern.AskTimeoutException) {
      return new ApiError(503, 503, "no reply in time (is Cassandra reachable?): " + t.getMessage());
    }
    return new ApiError(500, 500, t.getClass().getSimpleName() + ": " + t.getMessage());
  }

  /** The HTTP status and error code of each of Courant's errors. */
  public static ApiError fromCode(ErrorCode code, String message) {
    return switch (code) {
      case UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID -> ApiError.notFound(40401, message);
      case GROUP_ID_NOT_FOUND -> ApiError.notFound(40404, message);
      case TOPIC_ALREADY_EXISTS -> new ApiError(409, 40901, message);
      case NON_EMPTY_GROUP, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS -> new ApiError(409, 409, message);
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE -> new ApiError(413, 413, message);
      case INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG, INVALID_REQUEST,
          INVALID_RECORD, POLICY_VIOLATION, INVALID_GROUP_ID, OFFSET_OUT_OF_RANGE, CORRUPT_MESSAGE -> ApiError.invalid(message);
      case KAFKA_STORAGE_ERROR, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, COORDINATOR_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER ->
          new ApiError(503, 503, message);
      default -> code.retriable() ? new ApiError(503, 503, message) : new ApiError(500, 500, message);
    };
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
