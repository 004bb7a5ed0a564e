package io.courant.kafka.internal;

import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** Reading requests from and writing responses to frames, with kafka-clients' message classes. */
final class Wire {
  private Wire() {}

  /** The request header's fixed start: api key (int16), api version (int16), correlation id (int32). */
  private static final int HEADER_START_BYTES = 8;

  /** The API key of a frame, -1 if the frame is too short to hold one. */
  static short apiKey(ByteBuffer frame) {
    return frame.remaining() < HEADER_START_BYTES ? -1 : frame.getShort(frame.position());
  }

  static short apiVersion(ByteBuffer frame) {
    return frame.getShort(frame.position() + 2);
  }

  static int correlationId(ByteBuffer frame) {
    return frame.getInt(frame.position() + 4);
  }

  /**
   * Parses a whole request whose API and version are supported.
   *
   * @throws MalformedRequestException if the header or body cannot be read
   */
  static KafkaRequest parse(ApiKeys api, ByteBuffer frame, ConnectionContext connection) {
    try {
      RequestHeader header = RequestHeader.parse(frame);
      AbstractRequest body = AbstractRequest.parseRequest(api, header.apiVersion(), new ByteBufferAccessor(frame)).request;
      if (frame.hasRemaining()) {
        throw new MalformedRequestException(api + " v" + header.apiVersion() + " request has " + frame.remaining()
            + " bytes after its body");
      }
      return new KafkaRequest(api, header.apiVersion(), header.correlationId(), header.clientId(), body, connection);
    } catch (MalformedRequestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new MalformedRequestException("cannot read " + api + " request: " + e, e);
    }
  }

  /** A response frame: length, header, body. */
  static ByteBuffer serialize(ApiKeys api, short version, int correlationId, ApiMessage body) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
    short headerVersion = api.responseHeaderVersion(version);
    int size = header.size(cache, headerVersion) + body.size(cache, version);
    ByteBuffer out = ByteBuffer.allocate(4 + size);
    out.putInt(size);
    ByteBufferAccessor writer = new ByteBufferAccessor(out);
    header.write(writer, cache, headerVersion);
    body.write(writer, cache, version);
    out.flip();
    return out;
  }
}
