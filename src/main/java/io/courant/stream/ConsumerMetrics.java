package io.courant.stream;

/**
 * A snapshot of a consumer source's counters ({@link Consumer.Control#metrics()}).
 *
 * @param polls polls of the underlying consumer so far (an idle source polls about once per
 *     {@code poll-timeout}; a backpressured one once per {@code idle-poll-interval})
 * @param recordsPolled records taken from the log so far
 * @param recordsBuffered records taken from the log but not yet emitted downstream (bounded: the
 *     source stops polling while it holds {@code max.poll.records} per lane)
 */
public record ConsumerMetrics(long polls, long recordsPolled, long recordsBuffered) {}
