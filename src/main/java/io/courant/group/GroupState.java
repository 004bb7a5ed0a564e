package io.courant.group;

/** Kafka's consumer group states. */
public enum GroupState {
  /** No members, but committed offsets. */
  EMPTY,
  /** A rebalance started: members are (re)joining. */
  PREPARING_REBALANCE,
  /** All joined; waiting for the leader's assignment. */
  COMPLETING_REBALANCE,
  /** Members hold their assignment. */
  STABLE,
  /** No members and no offsets: the group does not exist. */
  DEAD
}
