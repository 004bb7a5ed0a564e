package io.courant.kafka.internal;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * One parsed request of a connection.
 *
 * @param api the API it calls
 * @param version the version the client sent it in (the response uses the same)
 * @param correlationId echoed in the response header
 * @param clientId the client's id, or null
 * @param request the request, as kafka-clients parsed it
 * @param connection the connection it came on
 */
record KafkaRequest(ApiKeys api, short version, int correlationId, String clientId, AbstractRequest request,
    ConnectionContext connection) {

  ApiMessage data() {
    return request.data();
  }

  @SuppressWarnings("unchecked")
  <T extends ApiMessage> T body() {
    return (T) request.data();
  }
}
