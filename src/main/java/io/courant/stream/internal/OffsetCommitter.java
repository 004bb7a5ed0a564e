package io.courant.stream.internal;

import io.courant.client.TopicPartition;
import io.courant.group.OffsetAndMetadata;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Where a source's offsets are committed: the consumer that read them, as its group member. */
public interface OffsetCommitter {
  CompletionStage<Done> commit(Map<TopicPartition, OffsetAndMetadata> offsets);
}
