package io.courant.kafka;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/** A bare TCP connection that speaks Kafka's framing, for requests no well-behaved client sends. */
final class RawKafkaConnection implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawKafkaConnection(int port, int readTimeoutMs) throws IOException {
    this("127.0.0.1", port, readTimeoutMs);
  }

  RawKafkaConnection(String host, int port, int readTimeoutMs) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(readTimeoutMs);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** A request frame (length prefix included). */
  static byte[] request(ApiKeys api, short version, int correlationId, ApiMessage body) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
        .setCorrelationId(correlationId).setClientId("raw-test");
    short headerVersion = api.requestHeaderVersion(version);
    int size = header.size(cache, headerVersion) + body.size(cache, version);
    ByteBuffer buf = ByteBuffer.allocate(4 + size);
    buf.putInt(size);
    ByteBufferAccessor w = new ByteBufferAccessor(buf);
    header.write(w, cache, headerVersion);
    body.write(w, cache, version);
    return buf.array();
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void send(ApiKeys api, short version, int correlationId, ApiMessage body) throws IOException {
    send(request(api, version, correlationId, body));
  }

  /** A response: its correlation id and body. */
  record Response(int correlationId, ApiMessage body) {}

  /** Reads the next response, parsed as {@code api} in {@code version}. */
  Response receive(ApiKeys api, short version) throws IOException {
    int size = in.readInt();
    byte[] frame = new byte[size];
    in.readFully(frame);
    ByteBufferAccessor r = new ByteBufferAccessor(ByteBuffer.wrap(frame));
    ResponseHeaderData header = new ResponseHeaderData(r, api.responseHeaderVersion(version));
    ApiMessage body = ApiMessageType.fromApiKey(api.id).newResponse();
    body.read(r, version);
    return new Response(header.correlationId(), body);
  }

  /** Whether the server closed the connection (reading hits the end) before {@code readTimeoutMs}. */
  boolean closedByServer() throws IOException {
    try {
      while (in.read() >= 0) {
        // a response to an earlier request may come first
      }
      return true;
    } catch (EOFException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by peer
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
