// The node's HTTP API, as the console uses it: v3 admin calls, bridge produce and consumer calls.
export const V2 = 'application/vnd.kafka.v2+json';
export const CLUSTER = '/v3/clusters/courant';

/** Calls the API; resolves to the JSON body (null for 204), rejects with the API's error message. */
export async function api(method, path, body, contentType = 'application/json', accept) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = contentType;
  if (accept) headers['Accept'] = accept;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error(json && json.message ? `${json.message} (${json.error_code})` : `HTTP ${response.status}`);
  }
  return json;
}

export const get = (path) => api('GET', path);

/** UTF-8 text of Base64 bytes (binary-format records). */
export function fromBase64(b64) {
  if (b64 === null || b64 === undefined) return null;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** A record as the console shows it: key, value and headers as text. */
function shown(r) {
  return { ...r, key: fromBase64(r.key), value: fromBase64(r.value),
    headers: (r.headers || []).map((h) => `${h.key}=${fromBase64(h.value)}`).join(', ') };
}

/**
 * Live tail: a short-lived bridge consumer instance assigned to the partitions, at their ends,
 * polled until `stop()`; each non-empty poll goes to `onRecords`. Returns `{ stop }`.
 */
export function tail(topic, partitions, onRecords, onError) {
  const group = 'courant-console';
  const name = 'tail-' + Math.random().toString(36).slice(2);
  const base = `/consumers/${group}/instances/${name}`;
  let running = true;
  const run = async () => {
    await api('POST', `/consumers/${group}`, { name, format: 'binary', 'enable.auto.commit': false }, V2);
    try {
      const tps = partitions.map((p) => ({ topic, partition: p.partition_id }));
      await api('POST', `${base}/assignments`, { partitions: tps }, V2);
      await api('POST', `${base}/positions/end`, { partitions: tps }, V2);
      while (running) {
        const batch = await api('GET', `${base}/records?timeout=1000`, undefined, undefined, 'application/vnd.kafka.binary.v2+json');
        if (running && batch.length > 0) onRecords(batch.map(shown));
      }
    } finally {
      await api('DELETE', base).catch(() => {});
    }
  };
  run().catch((e) => running && onError(e));
  return { stop: () => { running = false; } };
}

/**
 * Reads up to `count` records of a topic's partitions from a start ('oldest', 'newest', 'offset',
 * 'timestamp') through a short-lived bridge consumer instance (assigned partitions, no commits).
 */
export async function browse(topic, partitions, start, value, count) {
  const group = 'courant-console';
  const name = 'browse-' + Math.random().toString(36).slice(2);
  const base = `/consumers/${group}/instances/${name}`;
  await api('POST', `/consumers/${group}`, { name, format: 'binary', 'enable.auto.commit': false, 'auto.offset.reset': 'earliest' }, V2);
  try {
    const tps = partitions.map((p) => ({ topic, partition: p.partition_id }));
    await api('POST', `${base}/assignments`, { partitions: tps }, V2);
    if (start === 'oldest') {
      await api('POST', `${base}/positions/beginning`, { partitions: tps }, V2);
    } else if (start === 'newest') {
      const offsets = partitions.map((p) => ({ topic, partition: p.partition_id,
        offset: Math.max(p.earliest_offset, p.latest_offset - count) }));
      await api('POST', `${base}/positions`, { offsets }, V2);
    } else {
      const field = start === 'offset' ? 'offset' : 'timestamp';
      const offsets = tps.map((tp) => ({ ...tp, [field]: Number(value) }));
      await api('POST', `${base}/positions`, { offsets }, V2);
    }
    const records = [];
    for (let i = 0; i < 5 && records.length < count; i++) {
      const batch = await api('GET', `${base}/records?timeout=500`, undefined, undefined, 'application/vnd.kafka.binary.v2+json');
      if (batch.length === 0 && i > 0) break;
      records.push(...batch);
    }
    return records.slice(0, count).map(shown);
  } finally {
    await api('DELETE', base).catch(() => {});
  }
}
