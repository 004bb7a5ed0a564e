package io.courant.stream.dsl;

import io.courant.log.Header;
import java.util.List;

/**
 * Where the record being processed came from: its input topic, partition and offset (or -1 for
 * records made by a punctuation), its timestamp and headers.
 *
 * <pre>{@code
 * events.to((key, event, ctx) -> ctx.topic() + "-copy");
 * }</pre>
 *
 * @param topic the input topic, or null
 * @param partition the input partition, or -1
 * @param offset the input offset, or -1
 * @param timestamp the record's timestamp (ms)
 * @param headers the record's headers
 */
public record RecordContext(String topic, int partition, long offset, long timestamp, List<Header> headers) {}
