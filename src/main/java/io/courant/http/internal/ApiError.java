package io.courant.http.internal;

/**
 * A request refused at the HTTP edge before anything is written: its HTTP status and the error
 * code of the body ({@code {"error_code": .., "message": ..}}), a status or a 5-digit sub-code as
 * the bridge uses them (40403 consumer instance not found, 40902 consumer already exists, ...).
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final int errorCode;

  public ApiError(int status, int errorCode, String message) {
    super(message, null, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  /** 400: the body is not what the endpoint reads. */
  public static ApiError malformed(String message) {
    return new ApiError(400, 400, message);
  }

  /** 422: the body reads, but a value is not allowed. */
  public static ApiError invalid(String message) {
    return new ApiError(422, 422, message);
  }

  /** 404 with a sub-code (40401 topic, 40402 partition, 40403 consumer instance, 40404 group). */
  public static ApiError notFound(int errorCode, String message) {
    return new ApiError(404, errorCode, message);
  }
}
