package io.courant.log;

import io.courant.CborSerializable;
import java.util.UUID;

/**
 * What a partition needs to know of its topic.
 *
 * @param topicId the topic's id (partition persistence ids are built from it, not from the name)
 * @param name the topic's name, for messages
 * @param partitions the topic's partition count
 * @param config the log settings
 */
public record TopicLog(UUID topicId, String name, int partitions, LogConfig config) implements CborSerializable {}
