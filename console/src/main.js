import '@picocss/pico/css/pico.min.css';
import './app.css';
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api, browse, get, tail, CLUSTER } from './api.js';

const html = htm.bind(h);

/** Loads `load()` when `deps` change; returns [data, error, reload]. */
function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then((data) => live && setState({ data, error: null }), (e) => live && setState({ data: null, error: e.message }));
    return () => { live = false; };
  }, [...deps, tick]);
  return [state.data, state.error, () => setTick((t) => t + 1)];
}

function Status({ error, message }) {
  if (error) return html`<p class="error" role="alert">${error}</p>`;
  if (message) return html`<p class="ok" role="status">${message}</p>`;
  return null;
}

/** Runs an action, shows its outcome; returns [run, message, error]. */
function useAction() {
  const [outcome, setOutcome] = useState({});
  const run = async (action, success) => {
    try {
      const result = await action();
      setOutcome({ message: typeof success === 'function' ? success(result) : success });
    } catch (e) {
      setOutcome({ error: e.message });
    }
  };
  return [run, outcome.message, outcome.error];
}

// ---- overview

function Overview() {
  const [brokers, error] = useLoad(() => get(`${CLUSTER}/brokers`), []);
  const [ready] = useLoad(() => fetch('/ready').then((r) => r.ok), []);
  const [topics] = useLoad(() => get(`${CLUSTER}/topics`), []);
  const [groups] = useLoad(() => get(`${CLUSTER}/consumer-groups`), []);
  return html`<section id="overview">
    <h2>Cluster</h2>
    <p>This node is <strong id="readiness">${ready === null ? '…' : ready ? 'ready' : 'not ready'}</strong>;
      ${topics ? topics.data.length : '…'} topics, ${groups ? groups.data.length : '…'} consumer groups.</p>
    <${Status} error=${error} />
    <table id="nodes"><thead><tr><th>Broker id</th><th>Host</th><th>Kafka port</th><th>Status</th></tr></thead>
      <tbody>${(brokers ? brokers.data : []).map((b) => html`<tr>
        <td>${b.broker_id}${b.self ? ' (this node)' : ''}</td><td>${b.host}</td><td>${b.port === null ? 'no listener' : b.port}</td><td>${b.status}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

// ---- topics

/** Sums a topic's partitions: records (end - start offsets) and stored bytes. */
async function topicTotals(name) {
  const partitions = (await get(`${CLUSTER}/topics/${encodeURIComponent(name)}/partitions`)).data;
  return partitions.reduce((t, p) => ({ records: t.records + (p.latest_offset - p.earliest_offset), bytes: t.bytes + p.size_bytes }),
    { records: 0, bytes: 0 });
}

/** Bytes for people: 1.5 KiB, 3.2 MiB. */
function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

function Topics() {
  const [topics, error, reload] = useLoad(async () => {
    const list = (await get(`${CLUSTER}/topics`)).data;
    const totals = await Promise.all(list.map((t) => topicTotals(t.topic_name)));
    return { data: list.map((t, i) => ({ ...t, ...totals[i] })) };
  }, []);
  const [run, message, actionError] = useAction();
  const [form, setForm] = useState({ name: '', partitions: 1, retention: '' });
  const create = (e) => {
    e.preventDefault();
    const configs = form.retention ? [{ name: 'retention.ms', value: form.retention }] : [];
    run(() => api('POST', `${CLUSTER}/topics`, { topic_name: form.name, partitions_count: Number(form.partitions), configs })
      .then(reload), `Created topic ${form.name}`);
  };
  const remove = (name) => run(() => api('DELETE', `${CLUSTER}/topics/${name}`).then(reload), `Deleted topic ${name}`);
  return html`<section id="topics">
    <h2>Topics</h2>
    <${Status} error=${error || actionError} message=${message} />
    <table id="topic-list"><thead><tr><th>Topic</th><th>Partitions</th><th>Replication</th><th>Records</th><th>Size</th><th></th></tr></thead>
      <tbody>${(topics ? topics.data : []).map((t) => html`<tr data-topic=${t.topic_name}>
        <td><a href=${'#/topics/' + encodeURIComponent(t.topic_name)}>${t.topic_name}</a></td>
        <td>${t.partitions_count}</td><td>${t.replication_factor}</td>
        <td class="records">${t.records}</td><td class="size" data-bytes=${t.bytes}>${formatBytes(t.bytes)}</td>
        <td><button class="secondary outline delete-topic" onClick=${() => remove(t.topic_name)}>Delete</button></td></tr>`)}</tbody>
    </table>
    <form id="create-topic" onSubmit=${create}>
      <h3>Create a topic</h3>
      <div class="grid">
        <input name="name" placeholder="name" required value=${form.name} onInput=${(e) => setForm({ ...form, name: e.target.value })} />
        <input name="partitions" type="number" min="1" value=${form.partitions} onInput=${(e) => setForm({ ...form, partitions: e.target.value })} />
        <input name="retention" placeholder="retention.ms (optional)" value=${form.retention} onInput=${(e) => setForm({ ...form, retention: e.target.value })} />
        <button type="submit">Create</button>
      </div>
    </form>
  </section>`;
}

function TopicDetail({ name }) {
  const t = `${CLUSTER}/topics/${encodeURIComponent(name)}`;
  const [partitions, error, reloadPartitions] = useLoad(() => get(`${t}/partitions`), [name]);
  const [configs, , reloadConfigs] = useLoad(() => get(`${t}/configs`), [name]);
  const [readers] = useLoad(async () => {
    const groups = (await get(`${CLUSTER}/consumer-groups`)).data;
    const lags = await Promise.all(groups.map((g) => get(`${CLUSTER}/consumer-groups/${g.consumer_group_id}/lags`)));
    return groups.filter((g, i) => lags[i].data.some((l) => l.topic_name === name)).map((g) => g.consumer_group_id);
  }, [name]);
  return html`<section id="topic-detail">
    <h2>Topic <span id="topic-name">${name}</span></h2>
    <${Status} error=${error} />
    <table id="partitions"><thead><tr><th>Partition</th><th>Start offset</th><th>End offset</th><th>Messages</th><th>Bytes</th></tr></thead>
      <tbody>${(partitions ? partitions.data : []).map((p) => html`<tr>
        <td>${p.partition_id}</td><td>${p.earliest_offset}</td><td>${p.latest_offset}</td>
        <td>${p.latest_offset - p.earliest_offset}</td><td>${p.size_bytes}</td></tr>`)}</tbody>
    </table>
    <p>Read by: <span id="readers">${readers === null ? '…' : readers.length ? readers.map((g) => html`<a href=${'#/groups/' + encodeURIComponent(g)}>${g}</a> `) : 'no group'}</span></p>
    <${Produce} topic=${name} onDone=${reloadPartitions} />
    ${partitions && html`<${Browser} topic=${name} partitions=${partitions.data} />`}
    <${Configs} topic=${name} configs=${configs} reload=${reloadConfigs} />
  </section>`;
}

function Produce({ topic, onDone }) {
  const [form, setForm] = useState({ key: '', value: '', partition: '' });
  const [run, message, error] = useAction();
  const send = (e) => {
    e.preventDefault();
    const record = { key: form.key || null, value: form.value };
    if (form.partition !== '') record.partition = Number(form.partition);
    run(() => api('POST', `/topics/${encodeURIComponent(topic)}`, { records: [record] }, 'application/vnd.kafka.text.v2+json').then((r) => {
      const o = r.offsets[0];
      if (o.error_code) throw new Error(o.message);
      onDone();
      return o;
    }), (o) => `Produced to partition ${o.partition} at offset ${o.offset}`);
  };
  return html`<form id="produce" onSubmit=${send}>
    <h3>Produce a message</h3>
    <div class="grid">
      <input name="key" placeholder="key (optional)" value=${form.key} onInput=${(e) => setForm({ ...form, key: e.target.value })} />
      <input name="value" placeholder="value" required value=${form.value} onInput=${(e) => setForm({ ...form, value: e.target.value })} />
      <input name="partition" type="number" min="0" placeholder="partition (optional)" value=${form.partition} onInput=${(e) => setForm({ ...form, partition: e.target.value })} />
      <button type="submit">Send</button>
    </div>
    <${Status} error=${error} message=${message} />
  </form>`;
}

/** A value as shown: JSON objects and arrays pretty-printed, anything else as it is. */
function Value({ text }) {
  if (text && (text.startsWith('{') || text.startsWith('['))) {
    try {
      return html`<pre class="json">${JSON.stringify(JSON.parse(text), null, 2)}</pre>`;
    } catch (e) {
      // not JSON after all
    }
  }
  return text;
}

function Browser({ topic, partitions }) {
  const [form, setForm] = useState({ partition: 'all', start: 'oldest', value: '', count: 50, filter: '' });
  const [records, setRecords] = useState(null);
  const [error, setError] = useState(null);
  const [tailing, setTailing] = useState(null);
  const chosen = () => (form.partition === 'all' ? partitions : partitions.filter((p) => String(p.partition_id) === form.partition));
  const read = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      setRecords(await browse(topic, chosen(), form.start, form.value, Number(form.count)));
    } catch (err) {
      setError(err.message);
    }
  };
  // Live tail: new records as they arrive, the latest `count` kept, until stopped or the view is left.
  const toggleTail = () => {
    if (tailing) {
      tailing.stop();
      setTailing(null);
      return;
    }
    setError(null);
    setRecords([]);
    const keep = Number(form.count);
    setTailing(tail(topic, chosen(), (batch) => setRecords((old) => [...(old || []), ...batch].slice(-keep)),
      (err) => { setError(err.message); setTailing(null); }));
  };
  useEffect(() => () => tailing && tailing.stop(), [tailing]);
  const shown = (records || []).filter((r) => !form.filter || `${r.key} ${r.value}`.includes(form.filter));
  return html`<form id="browser" onSubmit=${read}>
    <h3>Messages</h3>
    <div class="grid">
      <select name="partition" value=${form.partition} onChange=${(e) => setForm({ ...form, partition: e.target.value })}>
        <option value="all">all partitions</option>
        ${partitions.map((p) => html`<option value=${String(p.partition_id)}>partition ${p.partition_id}</option>`)}
      </select>
      <select name="start" value=${form.start} onChange=${(e) => setForm({ ...form, start: e.target.value })}>
        <option value="oldest">oldest</option><option value="newest">newest</option>
        <option value="offset">from offset</option><option value="timestamp">from timestamp (ms)</option>
      </select>
      <input name="from" placeholder="offset or timestamp" value=${form.value} onInput=${(e) => setForm({ ...form, value: e.target.value })} />
      <input name="count" type="number" min="1" value=${form.count} onInput=${(e) => setForm({ ...form, count: e.target.value })} />
      <button type="submit" disabled=${tailing !== null}>Read</button>
    </div>
    <button type="button" id="live-tail" class=${tailing ? 'contrast' : 'secondary'} onClick=${toggleTail}>
      ${tailing ? 'Stop live tail' : 'Live tail'}</button>
    ${tailing && html` <span id="tail-status" aria-busy="true">waiting for new messages…</span>`}
    <input name="filter" placeholder="filter key or value" value=${form.filter} onInput=${(e) => setForm({ ...form, filter: e.target.value })} />
    <${Status} error=${error} />
    ${records && html`<table id="messages"><thead><tr><th>Partition</th><th>Offset</th><th>Timestamp</th><th>Key</th><th>Value</th><th>Headers</th></tr></thead>
      <tbody>${shown.map((r) => html`<tr><td>${r.partition}</td><td>${r.offset}</td><td>${new Date(r.timestamp).toISOString()}</td>
        <td>${r.key}</td><td class="value"><${Value} text=${r.value} /></td><td>${r.headers}</td></tr>`)}</tbody></table>`}
  </form>`;
}

function Configs({ topic, configs, reload }) {
  const [form, setForm] = useState({ name: 'retention.ms', value: '' });
  const [run, message, error] = useAction();
  const set = (e) => {
    e.preventDefault();
    run(() => api('POST', `${CLUSTER}/topics/${encodeURIComponent(topic)}/configs:alter`, { data: [{ name: form.name, value: form.value }] })
      .then(reload), `Set ${form.name} = ${form.value}`);
  };
  return html`<section>
    <h3>Configs</h3>
    <table id="configs"><thead><tr><th>Name</th><th>Value</th><th>Source</th></tr></thead>
      <tbody>${(configs ? configs.data : []).map((c) => html`<tr data-config=${c.name}><td>${c.name}</td><td class="config-value">${c.value}</td>
        <td>${c.is_default ? 'default' : 'topic'}</td></tr>`)}</tbody></table>
    <form id="alter-config" onSubmit=${set}>
      <div class="grid">
        <select name="config" value=${form.name} onChange=${(e) => setForm({ ...form, name: e.target.value })}>
          ${(configs ? configs.data : []).map((c) => html`<option value=${c.name}>${c.name}</option>`)}
        </select>
        <input name="config-value" placeholder="value" required value=${form.value} onInput=${(e) => setForm({ ...form, value: e.target.value })} />
        <button type="submit">Set</button>
      </div>
      <${Status} error=${error} message=${message} />
    </form>
  </section>`;
}

// ---- consumer groups

function Groups() {
  const [groups, error] = useLoad(async () => {
    const list = (await get(`${CLUSTER}/consumer-groups`)).data;
    const summaries = await Promise.all(list.map((g) => get(`${CLUSTER}/consumer-groups/${encodeURIComponent(g.consumer_group_id)}/lag-summary`)));
    return list.map((g, i) => ({ ...g, total_lag: summaries[i].total_lag }));
  }, []);
  return html`<section id="groups">
    <h2>Consumer groups</h2>
    <${Status} error=${error} />
    <table id="group-list"><thead><tr><th>Group</th><th>State</th><th>Assignor</th><th>Total lag</th></tr></thead>
      <tbody>${(groups || []).map((g) => html`<tr data-group=${g.consumer_group_id}>
        <td><a href=${'#/groups/' + encodeURIComponent(g.consumer_group_id)}>${g.consumer_group_id}</a></td>
        <td>${g.state}</td><td>${g.partition_assignor}</td><td class="total-lag">${g.total_lag}</td></tr>`)}</tbody>
    </table>
  </section>`;
}

/** A line chart of a group's total lag, sampled every few seconds while its page is open. */
function LagChart({ samples }) {
  const width = 600;
  const height = 120;
  if (samples.length === 0) return null;
  const max = Math.max(1, ...samples.map((s) => s.lag));
  const t0 = samples[0].at;
  const span = Math.max(1, samples[samples.length - 1].at - t0);
  const x = (s) => (samples.length === 1 ? width : ((s.at - t0) / span) * width);
  const y = (s) => height - (s.lag / max) * (height - 10);
  const last = samples[samples.length - 1];
  return html`<figure>
    <svg id="lag-chart" viewBox=${`0 0 ${width} ${height}`} width="100%" height=${height} role="img"
        data-samples=${samples.length} data-latest=${last.lag} aria-label=${`total lag over time, now ${last.lag}`}>
      <line x1="0" y1=${height} x2=${width} y2=${height} stroke="currentColor" stroke-opacity="0.3" />
      <polyline fill="none" stroke="var(--pico-primary)" stroke-width="2" points=${samples.map((s) => `${x(s)},${y(s)}`).join(' ')} />
      ${samples.map((s) => html`<circle cx=${x(s)} cy=${y(s)} r="3" fill="var(--pico-primary)"><title>${new Date(s.at).toLocaleTimeString()}: ${s.lag}</title></circle>`)}
    </svg>
    <figcaption>Total lag since this page opened (max ${max}, now ${last.lag}), sampled every ${LAG_SAMPLE_MS / 1000} s.</figcaption>
  </figure>`;
}

const LAG_SAMPLE_MS = 2000;
const LAG_SAMPLES_KEPT = 300;

function GroupDetail({ id }) {
  const g = `${CLUSTER}/consumer-groups/${encodeURIComponent(id)}`;
  const [group, error, reload] = useLoad(async () => {
    const [info, consumers, lags, summary] = await Promise.all([get(g), get(`${g}/consumers`), get(`${g}/lags`), get(`${g}/lag-summary`)]);
    const members = await Promise.all(consumers.data.map(async (c) => ({ ...c,
      partitions: (await get(`${g}/consumers/${encodeURIComponent(c.consumer_id)}/assignments`)).data })));
    return { info, members, lags: lags.data, summary };
  }, [id]);
  const [samples, setSamples] = useState([]);
  useEffect(() => {
    let live = true;
    const sample = () => get(`${g}/lag-summary`).then((s) => live && setSamples((old) =>
      [...old, { at: Date.now(), lag: s.total_lag }].slice(-LAG_SAMPLES_KEPT)), () => {});
    sample();
    const timer = setInterval(sample, LAG_SAMPLE_MS);
    return () => { live = false; clearInterval(timer); };
  }, [id]);
  const [form, setForm] = useState({ to: 'earliest', value: '' });
  const [run, message, actionError] = useAction();
  const reset = (e) => {
    e.preventDefault();
    const body = { to: form.to };
    if (form.to === 'timestamp' || form.to === 'offset') body[form.to] = Number(form.value);
    run(() => api('POST', `${g}/offsets:reset`, body).then(reload), 'Offsets reset');
  };
  const remove = () => run(() => api('DELETE', g).then(() => { location.hash = '#/groups'; }), `Deleted group ${id}`);
  return html`<section id="group-detail">
    <h2>Group <span id="group-id">${id}</span></h2>
    <${Status} error=${error || actionError} message=${message} />
    ${group && html`<p>State <strong id="group-state">${group.info.state}</strong>, total lag <strong id="group-lag">${group.summary.total_lag}</strong></p>
      <${LagChart} samples=${samples} />
      <h3>Members</h3>
      <table id="members"><thead><tr><th>Consumer</th><th>Instance</th><th>Partitions</th></tr></thead>
        <tbody>${group.members.map((m) => html`<tr><td>${m.consumer_id}</td><td>${m.instance_id || ''}</td>
          <td>${m.partitions.map((p) => `${p.topic_name}-${p.partition_id}`).join(', ')}</td></tr>`)}</tbody></table>
      <h3>Offsets</h3>
      <table id="lags"><thead><tr><th>Topic</th><th>Partition</th><th>Committed</th><th>End</th><th>Lag</th><th>Consumer</th></tr></thead>
        <tbody>${group.lags.map((l) => html`<tr><td>${l.topic_name}</td><td>${l.partition_id}</td><td class="committed">${l.current_offset}</td>
          <td>${l.log_end_offset}</td><td class="lag">${l.lag}</td><td>${l.consumer_id}</td></tr>`)}</tbody></table>`}
    <form id="reset-offsets" onSubmit=${reset}>
      <h3>Reset offsets (the group must be empty)</h3>
      <div class="grid">
        <select name="to" value=${form.to} onChange=${(e) => setForm({ ...form, to: e.target.value })}>
          <option value="earliest">earliest</option><option value="latest">latest</option>
          <option value="timestamp">timestamp (ms)</option><option value="offset">offset</option>
        </select>
        <input name="reset-value" placeholder="timestamp or offset" value=${form.value} onInput=${(e) => setForm({ ...form, value: e.target.value })} />
        <button type="submit">Reset</button>
      </div>
    </form>
    <button id="delete-group" class="secondary" onClick=${remove}>Delete group</button>
  </section>`;
}

// ---- shell

function route(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'topics' && parts[1]) return html`<${TopicDetail} name=${parts[1]} key=${'t' + parts[1]} />`;
  if (parts[0] === 'topics') return html`<${Topics} />`;
  if (parts[0] === 'groups' && parts[1]) return html`<${GroupDetail} id=${parts[1]} key=${'g' + parts[1]} />`;
  if (parts[0] === 'groups') return html`<${Groups} />`;
  return html`<${Overview} />`;
}

function App() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return html`<nav>
      <ul><li><strong>Courant</strong></li></ul>
      <ul><li><a href="#/">Cluster</a></li><li><a href="#/topics">Topics</a></li><li><a href="#/groups">Consumer groups</a></li></ul>
    </nav>
    ${route(hash)}`;
}

render(html`<${App} />`, document.getElementById('app'));
