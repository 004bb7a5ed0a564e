package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.JoinWindows;
import io.courant.stream.dsl.KeyValue;
import io.courant.stream.dsl.KeyValueMapper;
import io.courant.stream.dsl.KeyValueStore;
import io.courant.stream.dsl.ProcessorSupplier;
import io.courant.stream.dsl.Record;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.Serdes;
import io.courant.stream.dsl.ValueJoiner;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The processors of joins. */
public final class Joins {
  private Joins() {}

  public enum Kind { INNER, LEFT, OUTER }

  /** The join result of two table values, or null where the join kind has none. */
  @SuppressWarnings("unchecked")
  public static <V1, V2, VR> VR combine(Kind kind, V1 l, V2 r, ValueJoiner<? super V1, ? super V2, ? extends VR> joiner) {
    boolean result = switch (kind) {
      case INNER -> l != null && r != null;
      case LEFT -> l != null;
      case OUTER -> l != null || r != null;
    };
    return result ? joiner.apply(l, r) : null;
  }

  public static <K, V, VT, VR> ProcessorSupplier<K, V, K, VR> streamTable(ValueGetterSupplier<K, VT> table,
      ValueJoiner<? super V, ? super VT, ? extends VR> joiner, boolean left) {
    return () -> new io.courant.stream.dsl.Processor<>() {
      private StreamTask.Context context;
      private Function<K, VT> getter;

      @SuppressWarnings({"unchecked", "rawtypes"})
      @Override
      public void init(io.courant.stream.dsl.ProcessorContext<K, VR> context) {
        this.context = (StreamTask.Context) (io.courant.stream.dsl.ProcessorContext) context;
        this.getter = table.get(context);
      }

      /**
       * A null value is dropped (and counted); so is a null key in an inner join, while a left join
       * joins it with null (it cannot match a table row), as Kafka Streams ≥ 3.7 does (KIP-962).
       */
      @Override
      public void process(Record<K, V> r) {
        if (r.value() == null || (r.key() == null && !left)) {
          context.dropped(false);
          return;
        }
        VT tv = r.key() == null ? null : getter.apply(r.key());
        if (tv == null && !left) {
          return;
        }
        context.forward(r.withValue(joiner.apply(r.value(), tv)));
      }
    };
  }

  public static <K, V, GK, GV, VR> Lambda.Body<K, V, K, VR> streamGlobal(String store, KeyValueMapper<? super K, ? super V, ? extends GK> keySelector,
      ValueJoiner<? super V, ? super GV, ? extends VR> joiner, boolean left) {
    return (r, c) -> {
      if (r.value() == null) {
        c.dropped(false);
        return;
      }
      KeyValueStore<GK, GV> s = c.getStateStore(store);
      GK gk = keySelector.apply(r.key(), r.value());
      if (gk == null && !left) {
        c.dropped(false); // no key to look up; a left join joins it with null (KIP-962)
        return;
      }
      GV gv = gk == null ? null : s.get(gk);
      if (gv == null && !left) {
        return;
      }
      c.forward(r.withValue(joiner.apply(r.value(), gv)));
    };
  }

  /** Table–table join: a processor on each side and a merge node (which writes the result store, if any); returns the merge node. */
  public static <K, V, VO, VR> String tableTable(GraphBuilder g, ValueGetterSupplier<K, V> left, ValueGetterSupplier<K, VO> right,
      String leftNode, String rightNode, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, Kind kind, String store) {
    String l = g.newName("KTABLE-JOINTHIS");
    String r = g.newName("KTABLE-JOINOTHER");
    @SuppressWarnings({"unchecked", "rawtypes"})
    ValueJoiner<Object, Object, VR> j = (ValueJoiner) joiner;
    g.addProcessor(l, sideOfTableJoin(right, (V a, VO b) -> combine(kind, a, b, j)), leftNode);
    g.addProcessor(r, sideOfTableJoin(left, (VO b, V a) -> combine(kind, a, b, j)), rightNode);
    for (String s : left.stores()) {
      g.connect(s, l);
      g.connect(s, r);
    }
    for (String s : right.stores()) {
      g.connect(s, l);
      g.connect(s, r);
    }
    String merge = g.newName("KTABLE-MERGE");
    g.addProcessor(merge, Lambda.<K, Change<VR>, K, Change<VR>>processor((rec, c) -> {
      if (store != null) {
        KeyValueStore<K, VR> s = c.getStateStore(store);
        s.put(rec.key(), rec.value().newValue());
      }
      c.forward(rec);
    }), l, r);
    return merge;
  }

  private static <K, A, B, VR> ProcessorSupplier<K, Change<A>, K, Change<VR>> sideOfTableJoin(ValueGetterSupplier<K, B> other,
      java.util.function.BiFunction<A, B, VR> combine) {
    return () -> new io.courant.stream.dsl.Processor<>() {
      private io.courant.stream.dsl.ProcessorContext<K, Change<VR>> context;
      private Function<K, B> getter;

      @Override
      public void init(io.courant.stream.dsl.ProcessorContext<K, Change<VR>> context) {
        this.context = context;
        this.getter = other.get(context);
      }

      @Override
      public void process(Record<K, Change<A>> r) {
        B b = getter.apply(r.key());
        VR n = combine.apply(r.value().newValue(), b);
        VR o = combine.apply(r.value().oldValue(), b);
        if (n != null || o != null) {
          context.forward(r.withValue(new Change<>(n, o)));
        }
      }
    };
  }

  /** Stream–stream join: a processor per side over two window stores (and the unmatched records of outer sides); returns the merge node. */
  public static <K, V, VO, VR> String streamStream(GraphBuilder g, String prefix, String leftNode, String rightNode, Serde<K> ks,
      Serde<V> vs, Serde<VO> os, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows w, boolean leftOuter,
      boolean rightOuter) {
    long retention = w.beforeMs() + w.afterMs() + w.graceMs();
    String thisStore = prefix + "-this-join-store";
    String otherStore = prefix + "-other-join-store";
    String thisPending = prefix + "-this-outer-store";
    String otherPending = prefix + "-other-outer-store";
    String l = g.newName("KSTREAM-JOINTHIS");
    String r = g.newName("KSTREAM-JOINOTHER");
    @SuppressWarnings({"unchecked", "rawtypes"})
    ValueJoiner<Object, Object, VR> j = (ValueJoiner) joiner;
    Side<K, Object, Object, VR> leftSide = new Side<>(thisStore, otherStore, thisPending, otherPending, w.beforeMs(), w.afterMs(),
        w.graceMs(), j::apply, (b, a) -> j.apply(null, b), leftOuter, rightOuter, true);
    Side<K, Object, Object, VR> rightSide = new Side<>(otherStore, thisStore, otherPending, thisPending, w.afterMs(), w.beforeMs(),
        w.graceMs(), (b, a) -> j.apply(a, b), (a, b) -> j.apply(a, null), rightOuter, leftOuter, false);
    g.addProcessor(l, leftSide.supplier(), leftNode);
    g.addProcessor(r, rightSide.supplier(), rightNode);
    g.addStore(new StoreSpec(thisStore, StoreSpec.Type.WINDOW, ks, vs, 0, retention, true), l, r);
    g.addStore(new StoreSpec(otherStore, StoreSpec.Type.WINDOW, ks, os, 0, retention, true), l, r);
    // pending (unmatched) records leave only by being emitted, never by retention
    g.addStore(new StoreSpec(thisPending, StoreSpec.Type.WINDOW, ks, vs, 0, Long.MAX_VALUE / 4, true), l, r);
    g.addStore(new StoreSpec(otherPending, StoreSpec.Type.WINDOW, ks, os, 0, Long.MAX_VALUE / 4, true), l, r);
    String merge = g.newName("KSTREAM-MERGE");
    g.addProcessor(merge, Lambda.processor((rec, c) -> c.forward(rec)), l, r);
    return merge;
  }

  /**
   * One side of a stream–stream join. A record at {@code ts} joins the other side's records in
   * {@code [ts - before, ts + after]}; unmatched records of an outer side wait in its pending store
   * until {@code ts + after + grace} is behind stream time.
   */
  private record Side<K, A, B, VR>(String own, String other, String ownPending, String otherPending, long before, long after, long grace,
      java.util.function.BiFunction<A, B, VR> join, java.util.function.BiFunction<B, A, VR> otherAlone, boolean ownOuter,
      boolean otherOuter, boolean isLeft) {
    @SuppressWarnings("unchecked")
    ProcessorSupplier<K, A, K, VR> supplier() {
      return Lambda.processor((r, c) -> {
        if (r.value() == null || (r.key() == null && !ownOuter)) {
          c.dropped(false);
          return;
        }
        if (r.key() == null) {
          // can never match: an outer side emits it at once, joined with null (Kafka Streams ≥ 3.7, KIP-962)
          c.forward(new Record<>(null, join.apply(r.value(), null), r.timestamp(), r.headers()));
          return;
        }
        long ts = r.timestamp();
        long now = c.currentStreamTimeMs();
        if (ts + after + grace < now) {
          c.dropped(true);
          return;
        }
        MemoryStore.Windows<K, A> ownStore = (MemoryStore.Windows<K, A>) (Object) c.getStateStore(own);
        MemoryStore.Windows<K, B> otherStore = (MemoryStore.Windows<K, B>) (Object) c.getStateStore(other);
        ownStore.put(r.key(), r.value(), ts);
        List<KeyValue<Long, B>> matches = otherStore.fetch(r.key(), ts - before, ts + after);
        for (KeyValue<Long, B> m : matches) {
          c.forward(new Record<>(r.key(), join.apply(r.value(), m.value()), Math.max(ts, m.key()), r.headers()));
        }
        if (otherOuter && !matches.isEmpty()) {
          MemoryStore.Windows<K, B> pending = (MemoryStore.Windows<K, B>) (Object) c.getStateStore(otherPending);
          for (Map.Entry<Bytes, MemoryStore.Entry> e : pending.entries(r.key(), ts - before, ts + after)) {
            pending.delete(e.getKey());
          }
        }
        if (ownOuter && matches.isEmpty()) {
          if (ts + after < now) {
            // out of order, its window already behind stream time: emitted at once, as Kafka Streams does
            c.forward(new Record<>(r.key(), join.apply(r.value(), null), ts, r.headers()));
          } else {
            MemoryStore.Windows<K, A> pending = (MemoryStore.Windows<K, A>) (Object) c.getStateStore(ownPending);
            pending.put(r.key(), r.value(), ts);
          }
        }
        emitExpired(c, now);
      });
    }

    /** Unmatched records whose window closed, oldest first, joined with null. */
    @SuppressWarnings("unchecked")
    private void emitExpired(StreamTask.Context c, long now) {
      if (!isLeft) {
        emitOther(c, now);
      }
      if (ownOuter) {
        MemoryStore.Windows<K, A> pending = (MemoryStore.Windows<K, A>) (Object) c.getStateStore(ownPending);
        for (Map.Entry<Bytes, MemoryStore.Entry> e : pending.entriesBefore(now - after - grace)) {
          pending.delete(e.getKey());
          c.forward(new Record<>((K) e.getValue().key(), join.apply((A) e.getValue().value(), null), e.getValue().t1()));
        }
      }
      if (isLeft) {
        emitOther(c, now);
      }
    }

    @SuppressWarnings("unchecked")
    private void emitOther(StreamTask.Context c, long now) {
      if (otherOuter) {
        MemoryStore.Windows<K, B> pending = (MemoryStore.Windows<K, B>) (Object) c.getStateStore(otherPending);
        for (Map.Entry<Bytes, MemoryStore.Entry> e : pending.entriesBefore(now - before - grace)) {
          pending.delete(e.getKey());
          c.forward(new Record<>((K) e.getValue().key(), otherAlone.apply((B) e.getValue().value(), null), e.getValue().t1()));
        }
      }
    }
  }

  // ---- foreign-key join: left entries subscribe to the right key they reference (subscription topic, partitioned like the
  // right table); the right side answers with its value (response topic, partitioned like the left table) now and on every
  // change; the left side keeps an answer only if the left value it was asked for is still current (hash check).

  private static final byte SUBSCRIBE = 1;
  private static final byte UNSUBSCRIBE = 2;

  /** Wires the three parts; returns the node that emits the join results (in the left table's sub-topology). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static <K, V, KO, VO, VR> String foreignKey(GraphBuilder g, String leftNode, ValueGetterSupplier<K, V> leftGetter,
      Serde<K> leftKeySerde, Serde<V> leftValueSerde, String rightNode, ValueGetterSupplier<KO, VO> rightGetter, Serde<KO> rightKeySerde,
      Serde<VO> rightValueSerde, Function<V, KO> fk, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, boolean left) {
    String prefix = g.newName("KTABLE-FK-JOIN");
    String subscriptionTopic = prefix + "-subscription-registration";
    String responseTopic = prefix + "-subscription-response";
    String subscriptionStore = prefix + "-subscription-store";

    // 1. left side: (un)subscribe on every left change; results that need no answer go straight out
    String subscribe = g.newName("KTABLE-FK-JOIN-SUBSCRIBE");
    String direct = g.newName("KTABLE-FK-JOIN-DIRECT");
    g.addProcessor(subscribe, Lambda.<K, Change<V>, Object, Object>processor((r, c) -> {
      V n = r.value().newValue();
      V o = r.value().oldValue();
      KO newFk = n == null ? null : fk.apply(n);
      KO oldFk = o == null ? null : fk.apply(o);
      byte[] keyBytes = c.resolve(leftKeySerde, true).serializer().serialize(subscriptionTopic, r.key());
      if (oldFk != null && !oldFk.equals(newFk)) {
        c.forward(new Record<>(oldFk, message(UNSUBSCRIBE, 0, keyBytes), r.timestamp()), subscriptionSinkName(prefix));
        if (!left && newFk != null) {
          // the old result is void; the new foreign key's answer brings the new one, if that key has an entry
          c.forward(new Record<>(r.key(), new Change<>(null, null), r.timestamp()), direct);
        }
      }
      if (newFk != null) {
        long hash = hash(c.resolve(leftValueSerde, false).serializer().serialize(subscriptionTopic, n));
        c.forward(new Record<>(newFk, message(SUBSCRIBE, hash, keyBytes), r.timestamp()), subscriptionSinkName(prefix));
      } else if (n == null || !left) {
        if (o != null) {
          c.forward(new Record<>(r.key(), new Change<>(null, null), r.timestamp()), direct);
        }
      } else {
        c.forward(new Record<>(r.key(), new Change<>(joiner.apply(n, null), null), r.timestamp()), direct);
      }
    }), leftNode);
    g.addProcessor(direct, Lambda.processor((r, c) -> c.forward(r)), subscribe);
    g.addSink(subscriptionSinkName(prefix), subscriptionTopic, null, true, rightKeySerde, Serdes.ByteArray(), null, subscribe);

    // 2. right side: keep subscriptions, answer them, and answer again on every right change
    String subSource = g.newName("KSTREAM-SOURCE");
    g.addSource(subSource, List.of(subscriptionTopic), true, rightKeySerde, Serdes.ByteArray(), null);
    String answer = g.newName("KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR");
    ProcessorSupplier<KO, byte[], byte[], byte[]> answerSupplier = () -> new io.courant.stream.dsl.Processor<KO, byte[], byte[], byte[]>() {
      private StreamTask.Context c;
      private Function<KO, VO> getter;

      @Override
      public void init(io.courant.stream.dsl.ProcessorContext<byte[], byte[]> context) {
        c = (StreamTask.Context) (io.courant.stream.dsl.ProcessorContext) context;
        getter = rightGetter.get(context);
      }

      @Override
      public void process(Record<KO, byte[]> r) {
        ByteBuffer m = ByteBuffer.wrap(r.value());
        byte instruction = m.get();
        long hash = m.getLong();
        byte[] leftKey = Arrays.copyOfRange(r.value(), 9, r.value().length);
        byte[] fkBytes = c.resolve(rightKeySerde, true).serializer().serialize(subscriptionTopic, r.key());
        MemoryStore.Kv<byte[], byte[]> subs = (MemoryStore.Kv<byte[], byte[]>) (Object) c.getStateStore(subscriptionStore);
        byte[] subKey = subscriptionKey(fkBytes, leftKey);
        if (instruction == UNSUBSCRIBE) {
          subs.delete(subKey);
          return;
        }
        subs.put(subKey, ByteBuffer.allocate(8).putLong(hash).array());
        VO value = getter.apply(r.key());
        if (value == null && !left) {
          return; // an inner join has nothing to say about a key without an entry
        }
        byte[] vb = c.resolve(rightValueSerde, false).serializer().serialize(responseTopic, value);
        c.forward(new Record<>(leftKey, response(hash, vb), r.timestamp()));
      }
    };
    g.addProcessor(answer, answerSupplier, subSource);
    String rightChange = g.newName("KTABLE-FK-JOIN-RIGHT-CHANGE");
    g.addProcessor(rightChange, Lambda.<KO, Change<VO>, byte[], byte[]>processor((r, c) -> {
      byte[] fkBytes = c.resolve(rightKeySerde, true).serializer().serialize(subscriptionTopic, r.key());
      MemoryStore.Kv<byte[], byte[]> subs = (MemoryStore.Kv<byte[], byte[]>) (Object) c.getStateStore(subscriptionStore);
      byte[] vb = c.resolve(rightValueSerde, false).serializer().serialize(responseTopic, r.value().newValue());
      byte[] prefixBytes = subscriptionKey(fkBytes, new byte[0]);
      for (KeyValue<byte[], byte[]> sub : subs.prefixScan(prefixBytes)) {
        byte[] leftKey = Arrays.copyOfRange(sub.key(), prefixBytes.length, sub.key().length);
        c.forward(new Record<>(leftKey, response(ByteBuffer.wrap(sub.value()).getLong(), vb), r.timestamp()));
      }
    }), rightNode);
    g.addStore(StoreSpec.keyValue(subscriptionStore, Serdes.ByteArray(), Serdes.ByteArray()), answer, rightChange);
    rightGetter.stores().forEach(s -> {
      g.connect(s, answer);
    });
    g.addSink(g.newName("KSTREAM-SINK"), responseTopic, null, true, Serdes.ByteArray(), Serdes.ByteArray(), null, answer);
    g.addSink(g.newName("KSTREAM-SINK"), responseTopic, null, true, Serdes.ByteArray(), Serdes.ByteArray(), null, rightChange);

    // 3. left side again: keep answers that match the current left value
    String respSource = g.newName("KSTREAM-SOURCE");
    g.addSource(respSource, List.of(responseTopic), true, Serdes.ByteArray(), Serdes.ByteArray(), null);
    String resolve = g.newName("KTABLE-FK-JOIN-RESPONSE-RESOLVER");
    ProcessorSupplier<byte[], byte[], K, Change<VR>> resolveSupplier = () -> new io.courant.stream.dsl.Processor<byte[], byte[], K, Change<VR>>() {
      private StreamTask.Context c;
      private Function<K, V> getter;

      @Override
      public void init(io.courant.stream.dsl.ProcessorContext<K, Change<VR>> context) {
        c = (StreamTask.Context) (io.courant.stream.dsl.ProcessorContext) context;
        getter = leftGetter.get(context);
      }

      @Override
      public void process(Record<byte[], byte[]> r) {
        K key = (K) c.resolve(leftKeySerde, true).deserializer().deserialize(responseTopic, r.key());
        ByteBuffer m = ByteBuffer.wrap(r.value());
        long hash = m.getLong();
        boolean hasValue = m.get() == 1;
        V current = getter.apply(key);
        if (current == null || hash != hash(c.resolve(leftValueSerde, false).serializer().serialize(subscriptionTopic, current))) {
          return; // the left value changed since: a newer answer is on its way
        }
        VO value = hasValue ? (VO) c.resolve(rightValueSerde, false).deserializer()
            .deserialize(responseTopic, Arrays.copyOfRange(r.value(), 9, r.value().length)) : null;
        VR result = value == null && !left ? null : joiner.apply(current, value);
        c.forward(new Record<>(key, new Change<>(result, null), r.timestamp()));
      }
    };
    g.addProcessor(resolve, resolveSupplier, respSource);
    leftGetter.stores().forEach(s -> g.connect(s, resolve));
    String out = g.newName("KTABLE-FK-JOIN-OUTPUT");
    g.addProcessor(out, Lambda.processor((r, c) -> c.forward(r)), direct, resolve);
    return out;
  }

  private static String subscriptionSinkName(String prefix) {
    return prefix + "-SUBSCRIPTION-SINK";
  }

  private static byte[] message(byte instruction, long hash, byte[] leftKey) {
    return ByteBuffer.allocate(9 + leftKey.length).put(instruction).putLong(hash).put(leftKey).array();
  }

  private static byte[] response(long hash, byte[] value) {
    return ByteBuffer.allocate(9 + (value == null ? 0 : value.length)).putLong(hash).put((byte) (value == null ? 0 : 1))
        .put(value == null ? new byte[0] : value).array();
  }

  private static byte[] subscriptionKey(byte[] fk, byte[] leftKey) {
    return ByteBuffer.allocate(4 + fk.length + leftKey.length).putInt(fk.length).put(fk).put(leftKey).array();
  }

  private static long hash(byte[] bytes) {
    return bytes == null ? 0 : Arrays.hashCode(bytes) * 31L + bytes.length;
  }
}
