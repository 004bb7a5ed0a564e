package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.KeyValue;
import io.courant.stream.dsl.KeyValueStore;
import io.courant.stream.dsl.SessionStore;
import io.courant.stream.dsl.Serde;
import io.courant.stream.dsl.StateStore;
import io.courant.stream.dsl.Window;
import io.courant.stream.dsl.WindowStore;
import io.courant.stream.dsl.Windowed;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A task's in-memory copy of one store, ordered by serialized key; every write is reported to the
 * task's {@link ChangeLog} in the byte form that is persisted and restored.
 */
public abstract class MemoryStore implements StateStore {
  /** One entry: the typed key and value, and the two times of window/session keys. */
  record Entry(Object key, Object value, long t1, long t2) {}

  final StoreSpec spec;
  @SuppressWarnings("rawtypes") final Serde keySerde;
  @SuppressWarnings("rawtypes") final Serde valueSerde;
  final TreeMap<Bytes, Entry> map = new TreeMap<>();
  private final ChangeLog log;

  MemoryStore(StoreSpec spec, Serde<?> keySerde, Serde<?> valueSerde, ChangeLog log) {
    this.spec = spec;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.log = log;
  }

  /** The store for {@code spec}. */
  public static MemoryStore create(StoreSpec spec, Serde<?> keySerde, Serde<?> valueSerde, ChangeLog log, LongSupplier streamTime) {
    return switch (spec.type()) {
      case KEY_VALUE -> new Kv<>(spec, keySerde, valueSerde, log);
      case WINDOW -> new Windows<>(spec, keySerde, valueSerde, log, streamTime);
      case SESSION -> new Sessions<>(spec, keySerde, valueSerde, log, streamTime);
    };
  }

  @Override
  public String name() {
    return spec.name();
  }

  public StoreSpec spec() {
    return spec;
  }

  @SuppressWarnings("unchecked")
  byte[] keyBytes(Object key) {
    if (key == null) {
      throw new NullPointerException("store '" + spec.name() + "' cannot hold a null key");
    }
    return keySerde.serializer().serialize(spec.name(), key);
  }

  @SuppressWarnings("unchecked")
  void write(Bytes k, Object key, Object value, long t1, long t2) {
    if (value == null) {
      if (map.remove(k) != null) {
        log.changed(spec.name(), k, null);
      }
      return;
    }
    map.put(k, new Entry(key, value, t1, t2));
    log.changed(spec.name(), k, valueSerde.serializer().serialize(spec.name(), value));
  }

  /** Puts a persisted entry back (recovery), without logging it again. */
  public void restore(byte[] k, byte[] v) {
    if (v == null) {
      map.remove(new Bytes(k));
      return;
    }
    Entry e = decode(k, v);
    map.put(new Bytes(k), e);
  }

  abstract Entry decode(byte[] k, byte[] v);

  @SuppressWarnings("unchecked")
  Object value(byte[] v) {
    return valueSerde.deserializer().deserialize(spec.name(), v);
  }

  @SuppressWarnings("unchecked")
  Object key(byte[] k, int length) {
    return keySerde.deserializer().deserialize(spec.name(), Arrays.copyOf(k, length));
  }

  /** Every entry as persisted bytes (snapshots of the test driver, queries). */
  public int size() {
    return map.size();
  }

  static final class Kv<K, V> extends MemoryStore implements KeyValueStore<K, V> {
    Kv(StoreSpec spec, Serde<?> keySerde, Serde<?> valueSerde, ChangeLog log) {
      super(spec, keySerde, valueSerde, log);
    }

    @Override
    Entry decode(byte[] k, byte[] v) {
      return new Entry(key(k, k.length), value(v), 0, 0);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V get(K key) {
      Entry e = map.get(new Bytes(keyBytes(key)));
      return e == null ? null : (V) e.value();
    }

    @Override
    public void put(K key, V value) {
      write(new Bytes(keyBytes(key)), key, value, 0, 0);
    }

    @Override
    public V putIfAbsent(K key, V value) {
      V old = get(key);
      if (old == null) {
        put(key, value);
      }
      return old;
    }

    @Override
    public V delete(K key) {
      V old = get(key);
      put(key, null);
      return old;
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<KeyValue<K, V>> range(K from, K to) {
      Map<Bytes, Entry> sub = map;
      if (from != null && to != null) {
        Bytes f = new Bytes(keyBytes(from));
        Bytes t = new Bytes(keyBytes(to));
        if (f.compareTo(t) > 0) {
          return List.of();
        }
        sub = map.subMap(f, true, t, true);
      } else if (from != null) {
        sub = map.tailMap(new Bytes(keyBytes(from)), true);
      } else if (to != null) {
        sub = map.headMap(new Bytes(keyBytes(to)), true);
      }
      List<KeyValue<K, V>> out = new ArrayList<>(sub.size());
      sub.values().forEach(e -> out.add(new KeyValue<>((K) e.key(), (V) e.value())));
      return out;
    }

    @Override
    public List<KeyValue<K, V>> all() {
      return range(null, null);
    }

    @Override
    public long approximateNumEntries() {
      return map.size();
    }

    /** The entries whose serialized key starts with {@code prefix} (for stores with byte[] keys). */
    @SuppressWarnings("unchecked")
    List<KeyValue<K, V>> prefixScan(byte[] prefix) {
      List<KeyValue<K, V>> out = new ArrayList<>();
      for (Map.Entry<Bytes, Entry> e : map.tailMap(new Bytes(prefix), true).entrySet()) {
        byte[] k = e.getKey().get();
        if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        out.add(new KeyValue<>((K) e.getValue().key(), (V) e.getValue().value()));
      }
      return out;
    }
  }

  /** Entries whose time (t1) fell out of the retention are dropped as stream time moves. */
  abstract static class Timed extends MemoryStore {
    final TreeMap<Long, Set<Bytes>> byTime = new TreeMap<>();
    final LongSupplier streamTime;

    Timed(StoreSpec spec, Serde<?> keySerde, Serde<?> valueSerde, ChangeLog log, LongSupplier streamTime) {
      super(spec, keySerde, valueSerde, log);
      this.streamTime = streamTime;
    }

    abstract long retentionTime(Entry e);

    @Override
    void write(Bytes k, Object key, Object value, long t1, long t2) {
      Entry old = map.get(k);
      if (old != null) {
        unindex(k, old);
      }
      super.write(k, key, value, t1, t2);
      if (value != null) {
        byTime.computeIfAbsent(retentionTime(map.get(k)), t -> new HashSet<>()).add(k);
      }
      evictExpired();
    }

    @Override
    public void restore(byte[] k, byte[] v) {
      Bytes b = new Bytes(k);
      Entry old = map.get(b);
      if (old != null) {
        unindex(b, old);
      }
      super.restore(k, v);
      if (v == null) {
        return;
      }
      byTime.computeIfAbsent(retentionTime(map.get(b)), t -> new HashSet<>()).add(b);
    }

    private void unindex(Bytes k, Entry e) {
      Set<Bytes> s = byTime.get(retentionTime(e));
      if (s != null && s.remove(k) && s.isEmpty()) {
        byTime.remove(retentionTime(e));
      }
    }

    /** Drops entries older than stream time minus the retention (logged as deletes). */
    void evictExpired() {
      long expiredBefore = streamTime.getAsLong() - spec.retentionMs();
      Iterator<Map.Entry<Long, Set<Bytes>>> it = byTime.headMap(expiredBefore, false).entrySet().iterator();
      List<Bytes> expired = new ArrayList<>();
      while (it.hasNext()) {
        expired.addAll(it.next().getValue());
        it.remove();
      }
      for (Bytes k : expired) {
        Entry e = map.get(k);
        if (e != null) {
          super.write(k, e.key(), null, 0, 0);
        }
      }
    }

    boolean sameKey(Bytes k, byte[] key, int suffix) {
      byte[] b = k.get();
      return b.length == key.length + suffix && Arrays.equals(b, 0, key.length, key, 0, key.length);
    }
  }

  /** Keys: key bytes, window start (8), sequence number (4) for stores that keep duplicates. */
  static final class Windows<K, V> extends Timed implements WindowStore<K, V> {
    private int seq;

    Windows(StoreSpec spec, Serde<?> keySerde, Serde<?> valueSerde, ChangeLog log, LongSupplier streamTime) {
      super(spec, keySerde, valueSerde, log, streamTime);
    }

    @Override
    long retentionTime(Entry e) {
      return e.t1() + spec.windowSizeMs();
    }

    @Override
    Entry decode(byte[] k, byte[] v) {
      ByteBuffer b = ByteBuffer.wrap(k, k.length - 12, 12);
      long start = b.getLong();
      int s = b.getInt();
      seq = Math.max(seq, s + 1);
      return new Entry(key(k, k.length - 12), value(v), start, s);
    }

    @Override
    public void put(K key, V value, long windowStart) {
      byte[] kb = keyBytes(key);
      int s = spec.retainDuplicates() && value != null ? seq++ : 0;
      if (spec.retainDuplicates() && value == null) {
        return; // duplicates are removed through delete(Bytes)
      }
      write(Bytes.withSuffix(kb, windowStart, s, true), key, value, windowStart, s);
    }

    /** Removes one entry of a store that keeps duplicates. */
    void delete(Bytes k) {
      Entry e = map.get(k);
      if (e != null) {
        write(k, e.key(), null, e.t1(), e.t2());
      }
    }

    /** Entries of {@code key} with start in [from, to], oldest first, with their store keys. */
    List<Map.Entry<Bytes, Entry>> entries(K key, long from, long to) {
      byte[] kb = keyBytes(key);
      List<Map.Entry<Bytes, Entry>> out = new ArrayList<>();
      if (from > to) {
        return out;
      }
      for (Map.Entry<Bytes, Entry> e : map.subMap(Bytes.withSuffix(kb, Math.max(0, from), 0, true), true,
          Bytes.withSuffix(kb, to, -1, true), true).entrySet()) {
        if (sameKey(e.getKey(), kb, 12)) {
          out.add(e);
        }
      }
      return out;
    }

    /** Entries whose time is before {@code time}, oldest first. */
    List<Map.Entry<Bytes, Entry>> entriesBefore(long time) {
      List<Map.Entry<Bytes, Entry>> out = new ArrayList<>();
      for (Set<Bytes> keys : byTime.headMap(time, false).values()) {
        for (Bytes k : keys) {
          Entry e = map.get(k);
          if (e != null) {
            out.add(Map.entry(k, e));
          }
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    @Override
    public V fetch(K key, long windowStart) {
      Entry e = map.get(Bytes.withSuffix(keyBytes(key), windowStart, 0, true));
      return e == null ? null : (V) e.value();
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo) {
      return entries(key, timeFrom, timeTo).stream().map(e -> new KeyValue<>(e.getValue().t1(), (V) e.getValue().value())).toList();
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo) {
      List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
      for (Entry e : map.values()) {
        if (e.t1() >= timeFrom && e.t1() <= timeTo) {
          out.add(new KeyValue<>(new Windowed<>((K) e.key(), new Window(e.t1(), e.t1() + spec.windowSizeMs())), (V) e.value()));
        }
      }
      return out;
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> all() {
      return fetchAll(Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  /** Keys: key bytes, session end (8), session start (8). */
  static final class Sessions<K, V> extends Timed implements SessionStore<K, V> {
    Sessions(StoreSpec spec, Serde<?> keySerde, Serde<?> valueSerde, ChangeLog log, LongSupplier streamTime) {
      super(spec, keySerde, valueSerde, log, streamTime);
    }

    @Override
    long retentionTime(Entry e) {
      return e.t1();
    }

    @Override
    Entry decode(byte[] k, byte[] v) {
      ByteBuffer b = ByteBuffer.wrap(k, k.length - 16, 16);
      long end = b.getLong();
      long start = b.getLong();
      return new Entry(key(k, k.length - 16), value(v), end, start);
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<KeyValue<Windowed<K>, V>> findSessions(K key, long earliestSessionEndTime, long latestSessionStartTime) {
      byte[] kb = keyBytes(key);
      List<KeyValue<Windowed<K>, V>> out = new ArrayList<>();
      for (Map.Entry<Bytes, Entry> e : map.subMap(Bytes.withSuffix(kb, Math.max(0, earliestSessionEndTime), 0, false), true,
          Bytes.withSuffix(kb, -1, -1, false), true).entrySet()) {
        Entry en = e.getValue();
        if (sameKey(e.getKey(), kb, 16) && en.t2() <= latestSessionStartTime) {
          out.add(new KeyValue<>(new Windowed<>(key, new Window(en.t2(), en.t1())), (V) en.value()));
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    @Override
    public V fetchSession(K key, long sessionStartTime, long sessionEndTime) {
      Entry e = map.get(Bytes.withSuffix(keyBytes(key), sessionEndTime, sessionStartTime, false));
      return e == null ? null : (V) e.value();
    }

    @Override
    public List<KeyValue<Windowed<K>, V>> fetch(K key) {
      return findSessions(key, 0, Long.MAX_VALUE);
    }

    @Override
    public void put(Windowed<K> session, V value) {
      Window w = session.window();
      write(Bytes.withSuffix(keyBytes(session.key()), w.end(), w.start(), false), session.key(), value, w.end(), w.start());
    }

    @Override
    public void remove(Windowed<K> session) {
      put(session, null);
    }
  }
}
