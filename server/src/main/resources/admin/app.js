// Rebound admin page: login, live nodes, the activity chart, channels and actions. Plain JavaScript
// modules, no libraries, no network but this node's admin API. Every value that came from clients
// (channel names, data, user ids) is written as text, never as HTML.
import { $, fmt, h, plural, clock } from './dom.js';
import { seriesRows, drawChart } from './chart.js';

const POLL_MS = 2000;
// The channel list is a cluster-wide collection: refreshed less often than the nodes.
const CHANNELS_POLL_MS = 10000;
const HISTORY_PAGE = 20;
const MIN_CHART_SECONDS = 60;
const SESSION_KEY = 'rebound-admin-token';

// ---------------------------------------------------------------- session and API

const session = {
  token: sessionStorage.getItem(SESSION_KEY) || '',
  set(token) { this.token = token || ''; if (token) sessionStorage.setItem(SESSION_KEY, token); else sessionStorage.removeItem(SESSION_KEY); },
};

class Unauthorized extends Error {}

/** POST /admin/api/<op>: the result, or throws (Unauthorized on 401, Error with the API's message otherwise). */
async function api(op, params) {
  const headers = { 'Content-Type': 'application/json' };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  const res = await fetch('/admin/api/' + op, { method: 'POST', headers, body: JSON.stringify(params || {}), cache: 'no-store' });
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: reported below */ }
  if (res.status === 401) throw new Unauthorized(body && body.error ? body.error.message : 'log in');
  if (!body) throw new Error('HTTP ' + res.status);
  if (body.error) { const e = new Error(body.error.message); e.code = body.error.code; throw e; }
  return body.result;
}

function showLogin(message) {
  stopPolling();
  session.set('');
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('password').value = '';
  $('password').focus();
}

function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
  startPolling();
}

async function login(event) {
  event.preventDefault();
  const button = $('login-button');
  button.disabled = true;
  $('login-error').textContent = '';
  try {
    const res = await fetch('/admin/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: $('password').value }), cache: 'no-store',
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok) {
      session.set(body.token || '');
      showApp();
    } else {
      $('login-error').textContent = body.error ? body.error.message : 'login failed (HTTP ' + res.status + ')';
      $('password').select();
    }
  } catch (e) {
    $('login-error').textContent = 'cannot reach the node: ' + e.message;
  } finally {
    button.disabled = false;
  }
}

/** Runs an API call for a user action; a lost session sends the user back to the login form. */
async function act(promise, onError) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof Unauthorized) showLogin(e.message);
    else if (onError) onError(e);
    return undefined;
  }
}

// ---------------------------------------------------------------- live overview

const state = {
  nodes: [], // latest node snapshots (without samples)
  self: '',
  samples: new Map(), // node uid -> Map(second -> sample)
  known: new Set(), // uids whose whole ring we have
  codes: {}, // disconnect code -> reason
  span: 300,
  lastUpdate: 0,
  timers: [],
};

function startPolling() {
  stopPolling();
  poll();
  loadChannels();
  state.timers.push(setInterval(poll, POLL_MS));
  state.timers.push(setInterval(loadChannels, CHANNELS_POLL_MS));
  state.timers.push(setInterval(renderStatus, 1000));
}

function stopPolling() {
  state.timers.forEach(clearInterval);
  state.timers = [];
}

/** The second to ask samples after: what every node we know has already given (a little overlap is harmless). */
function since() {
  if (state.nodes.length === 0 || state.nodes.some((n) => !state.known.has(n.uid))) return 0;
  let min = Infinity;
  for (const n of state.nodes) {
    const m = state.samples.get(n.uid);
    const last = m && m.size ? Math.max(...m.keys()) : 0;
    min = Math.min(min, last);
  }
  return Number.isFinite(min) ? Math.max(0, min - 2) : 0;
}

async function poll() {
  try {
    const from = since();
    const r = await api('overview', { since: from });
    state.self = r.node;
    state.span = r.history_seconds;
    state.codes = r.disconnect_codes || {};
    const horizon = Math.floor(r.now / 1000) - state.span;
    const full = from === 0;
    for (const n of r.nodes) {
      let m = state.samples.get(n.uid);
      if (!m) { m = new Map(); state.samples.set(n.uid, m); }
      for (const s of n.samples) m.set(s.t, s);
      for (const t of m.keys()) if (t <= horizon) m.delete(t);
      if (full) state.known.add(n.uid);
      delete n.samples;
    }
    const live = new Set(r.nodes.map((n) => n.uid));
    for (const uid of [...state.samples.keys()]) if (!live.has(uid)) { state.samples.delete(uid); state.known.delete(uid); }
    state.nodes = r.nodes;
    state.lastUpdate = Date.now();
    state.now = Math.floor(r.now / 1000);
    renderSummary();
    renderNodes();
    renderNodeSelect();
    renderChart();
    renderStatus();
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1); // for tests and automation
  } catch (e) {
    if (e instanceof Unauthorized) showLogin(e.message);
    else { state.error = e.message; renderStatus(); }
  }
}

function renderStatus() {
  const el = $('status');
  const age = state.lastUpdate ? Math.round((Date.now() - state.lastUpdate) / 1000) : null;
  const down = age === null || age > 3 * POLL_MS / 1000;
  el.className = 'status ' + (down ? 'down' : 'live');
  el.textContent = down ? (state.error ? 'not updating: ' + state.error : 'connecting…') : 'live · updated ' + age + ' s ago';
}

function renderSummary() {
  const nodes = state.nodes;
  const sum = (f) => nodes.reduce((a, n) => a + (n[f] || 0), 0);
  const unsafe = nodes.some((n) => n.cluster && n.cluster.safe === false);
  const notReady = nodes.filter((n) => n.ready === false).length;
  const box = $('summary');
  box.replaceChildren(...[
    h('span', {}, h('b', {}, fmt(nodes.length)), nodes.length === 1 ? ' node' : ' nodes'),
    h('span', {}, h('b', { id: 'total-connections' }, fmt(sum('connections'))), ' connections'),
    h('span', {}, h('b', {}, fmt(sum('subscriptions'))), ' subscriptions'),
    h('span', {}, h('b', {}, fmt(sum('publications_per_s'))), ' publications/s'),
    h('span', {}, h('b', {}, fmt(sum('deliveries_per_s'))), ' deliveries/s'),
    unsafe ? h('span', { className: 'badge bad' }, 'cluster not safe') : null,
    notReady ? h('span', { className: 'badge warn' }, notReady + ' not ready') : null,
  ].filter(Boolean));
}

function uptime(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400), hh = Math.floor(s % 86400 / 3600), mm = Math.floor(s % 3600 / 60);
  if (d) return d + 'd ' + hh + 'h';
  if (hh) return hh + 'h ' + mm + 'm';
  return mm + 'm ' + (s % 60) + 's';
}

function bytes(n) {
  if (!n) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return n.toFixed(n < 10 && i > 0 ? 1 : 0) + ' ' + units[i];
}

function renderNodes() {
  const body = $('nodes').tBodies[0];
  const rows = state.nodes.map((n) => {
    const stale = Date.now() - n.sampled_at > 3 * POLL_MS + 2000;
    const heapShare = n.heap_max ? n.heap_used / n.heap_max : 0;
    const heapBar = h('span', { className: 'heap' + (heapShare > 0.85 ? ' high' : '') }, h('span'));
    heapBar.firstChild.style.width = Math.round(heapShare * 100) + '%';
    const cluster = n.cluster
      ? h('span', {}, fmt(n.cluster.members) + ' members ', h('span', { className: 'badge ' + (n.cluster.safe ? 'good' : 'bad') }, n.cluster.safe ? 'safe' : 'unsafe'))
      : h('span', { className: 'muted' }, 'single node');
    return h('tr', { className: stale ? 'stale' : '', dataset: { node: n.name } },
      h('td', {}, n.name, n.uid === state.self ? h('span', { className: 'tag' }, 'this node') : null, stale ? h('span', { className: 'tag' }, 'no news') : null),
      h('td', {}, uptime(n.sampled_at - n.started_at)),
      h('td', {}, n.engine === n.history_engine ? n.engine : n.engine + ' / ' + n.history_engine),
      h('td', { className: 'num connections' }, fmt(n.connections)),
      h('td', { className: 'num' }, fmt(n.subscriptions)),
      h('td', { className: 'num' }, fmt(n.channels)),
      h('td', { className: 'num' }, fmt(n.users)),
      h('td', { className: 'num' }, fmt(n.publications_per_s)),
      h('td', { className: 'num' }, fmt(n.deliveries_per_s)),
      h('td', {}, heapBar, bytes(n.heap_used) + ' / ' + bytes(n.heap_max)),
      h('td', {}, h('span', { className: 'badge ' + (n.ready ? 'good' : 'warn') }, n.ready ? 'ready' : 'not ready')),
      h('td', {}, cluster));
  });
  body.replaceChildren(...rows);
}

function renderNodeSelect() {
  const select = $('chart-node');
  const want = ['', ...state.nodes.map((n) => n.uid)];
  const have = [...select.options].map((o) => o.value);
  if (want.join('|') === have.join('|')) return;
  const current = select.value;
  select.replaceChildren(h('option', { value: '' }, 'All nodes'), ...state.nodes.map((n) => h('option', { value: n.uid }, n.name)));
  select.value = want.includes(current) ? current : '';
}

// ---------------------------------------------------------------- chart

function renderChart() {
  const pick = $('chart-node').value;
  const uids = pick ? [pick] : state.nodes.map((n) => n.uid);
  const end = state.now || Math.floor(Date.now() / 1000);
  // A young cluster's chart spans what it has (at least a minute), so its first minutes are readable.
  let first = end;
  for (const uid of uids) for (const t of (state.samples.get(uid) || new Map()).keys()) first = Math.min(first, t);
  const span = Math.min(state.span, Math.max(MIN_CHART_SECONDS, end - first + 1));
  drawChart($('chart'), $('events'), seriesRows(state.samples, uids, end, span), state.codes);
}

// ---------------------------------------------------------------- channels

const chan = { name: '', epoch: '', newest: null, oldest: null, top: 0 };

async function loadChannels() {
  const pattern = $('channels-pattern').value.trim();
  const r = await act(api('channels', { pattern, limit: 200 }), (e) => { $('channels-count').textContent = e.message; });
  if (!r) return;
  const count = r.total > r.channels.length ? 'busiest ' + r.channels.length + ' of ' + fmt(r.total) : fmt(r.total) + ' with subscribers';
  $('channels-count').textContent = count + ' · at ' + clock(Math.floor(Date.now() / 1000));
  const rows = r.channels.map((c) => h('tr', {
    className: 'pick' + (c.channel === chan.name ? ' selected' : ''), dataset: { channel: c.channel }, onclick: () => openChannel(c.channel),
  }, h('td', { className: 'mono' }, c.channel), h('td', { className: 'num' }, fmt(c.subscribers))));
  $('channels').tBodies[0].replaceChildren(...rows);
}

async function openChannel(name) {
  chan.name = name;
  for (const tr of $('channels').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.channel === name);
  $('channel-name').textContent = name;
  $('channel-empty').hidden = true;
  $('channel-body').hidden = false;
  $('channel-refresh').disabled = false;
  loadChannels();
  $('publish-result').textContent = '';
  // Nothing of the previous channel stays on screen while this one loads.
  $('channel-facts').replaceChildren();
  $('history').tBodies[0].replaceChildren();
  $('history-info').textContent = '';
  chan.epoch = '';
  $('presence').hidden = true;
  $('presence-info').textContent = '';
  await loadFacts();
  await loadHistory('newest');
}

async function loadFacts() {
  const name = chan.name;
  const facts = $('channel-facts');
  const r = await act(api('channel', { channel: name }), (e) => facts.replaceChildren(h('div', {}, h('dt', {}, 'error'), h('dd', { className: 'error' }, e.message))));
  if (!r || name !== chan.name) return;
  const fact = (label, value, id) => h('div', {}, h('dt', {}, label), h('dd', id ? { id } : {}, value));
  const list = [fact('subscribers', fmt(r.subscribers), 'fact-subscribers')];
  if (r.stream) {
    chan.epoch = r.stream.epoch;
    chan.top = r.stream.offset;
    list.push(fact('stream position', fmt(r.stream.offset), 'fact-offset'), fact('epoch', r.stream.epoch || '–', 'fact-epoch'));
  } else {
    list.push(fact('history', r.stream_error ? r.stream_error.message : '–'));
  }
  if (r.presence) list.push(fact('present', plural(r.presence.num_clients, 'client') + ', ' + plural(r.presence.num_users, 'user')));
  else list.push(fact('presence', r.presence_error ? r.presence_error.message : '–'));
  facts.replaceChildren(...list);
}

/** One page of history: the newest, or older / newer than what is shown. Newest first on screen. */
async function loadHistory(where) {
  const name = chan.name;
  const params = { channel: name, limit: HISTORY_PAGE };
  if (where === 'newest') params.reverse = true;
  else if (where === 'older') { params.reverse = true; params.since = { offset: chan.oldest, epoch: chan.epoch }; }
  else params.since = { offset: chan.newest, epoch: chan.epoch };
  const info = $('history-info');
  const r = await act(api('history', params), (e) => {
    info.textContent = e.code === 112 ? 'the stream was reset (epoch changed): showing the newest' : e.message;
    if (e.code === 112) { loadFacts().then(() => loadHistory('newest')); }
    if (e.code === 108) $('history').tBodies[0].replaceChildren();
  });
  if (!r || name !== chan.name) return;
  chan.epoch = r.epoch;
  chan.top = r.offset;
  let pubs = r.publications || [];
  if (!params.reverse) pubs = pubs.slice().reverse();
  if (pubs.length === 0 && where !== 'newest') {
    info.textContent = where === 'older' ? 'no older publications kept' : 'no newer publications';
    return;
  }
  if (pubs.length) { chan.newest = pubs[0].offset; chan.oldest = pubs[pubs.length - 1].offset; }
  else { chan.newest = r.offset; chan.oldest = r.offset + 1; }
  info.textContent = pubs.length
    ? 'offsets ' + fmt(chan.oldest) + '–' + fmt(chan.newest) + ' of ' + fmt(r.offset) + ' · epoch ' + r.epoch
    : 'no publications kept (stream at ' + fmt(r.offset) + ')';
  $('history-older').disabled = !pubs.length || chan.oldest <= 1;
  $('history-newer').disabled = !pubs.length || chan.newest >= r.offset;
  const rows = pubs.map((p) => {
    const who = [];
    if (p.info) who.push('user ' + p.info.user + ' · client ' + p.info.client);
    if (p.tags) who.push(Object.entries(p.tags).map(([k, v]) => k + '=' + v).join(' '));
    return h('tr', { dataset: { offset: p.offset } },
      h('td', { className: 'num' }, fmt(p.offset)),
      h('td', { className: 'data' }, JSON.stringify(p.data)),
      h('td', { className: 'muted' }, who.join(' · ') || '–'));
  });
  $('history').tBodies[0].replaceChildren(...rows);
}

async function loadPresence() {
  const name = chan.name;
  const info = $('presence-info');
  const r = await act(api('presence', { channel: name }), (e) => { info.textContent = e.message; $('presence').hidden = true; });
  if (!r || name !== chan.name) return;
  const entries = Object.values(r.presence || {});
  info.textContent = plural(entries.length, 'client');
  $('presence').tBodies[0].replaceChildren(...entries.map((p) => h('tr', {},
    h('td', {}, p.user || '(anonymous)'), h('td', { className: 'mono' }, p.client),
    h('td', { className: 'data' }, p.conn_info === undefined ? '–' : JSON.stringify(p.conn_info)))));
  $('presence').hidden = false;
}

// ---------------------------------------------------------------- actions (with confirmation)

/** Asks the user to confirm; resolves true only for an explicit Confirm. */
function confirmAction(title, body, okLabel) {
  return new Promise((resolve) => {
    const modal = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-body').textContent = body;
    $('confirm-ok').textContent = okLabel;
    modal.hidden = false;
    $('confirm-cancel').focus();
    const done = (answer) => {
      modal.hidden = true;
      $('confirm-ok').onclick = null;
      $('confirm-cancel').onclick = null;
      document.removeEventListener('keydown', onKey);
      resolve(answer);
    };
    const onKey = (ev) => { if (ev.key === 'Escape') done(false); };
    document.addEventListener('keydown', onKey);
    $('confirm-ok').onclick = () => done(true);
    $('confirm-cancel').onclick = () => done(false);
  });
}

async function publish(event) {
  event.preventDefault();
  const out = $('publish-result');
  let data;
  try {
    data = JSON.parse($('publish-data').value);
  } catch (e) {
    out.className = 'error';
    out.textContent = 'the data must be JSON: ' + e.message;
    return;
  }
  const name = chan.name;
  const subscribers = $('fact-subscribers') ? $('fact-subscribers').textContent : '?';
  const ok = await confirmAction('Publish to ' + name + '?',
    'Every subscriber of "' + name + '" (' + subscribers + ' now) receives:\n\n' + JSON.stringify(data, null, 2), 'Publish');
  if (!ok) return;
  const r = await act(api('publish', { channel: name, data }), (e) => { out.className = 'error'; out.textContent = 'not published: ' + e.message; });
  if (!r) return;
  out.className = 'ok';
  out.textContent = r.offset ? 'published at offset ' + fmt(r.offset) : 'published (not kept in history)';
  loadChannels();
  await loadFacts();
  await loadHistory('newest');
}

async function disconnectUser(event) {
  event.preventDefault();
  const user = $('disconnect-user').value.trim();
  const client = $('disconnect-client').value.trim();
  const reconnect = $('disconnect-mode').value === 'reconnect';
  const out = $('disconnect-result');
  if (!user) { out.className = 'error'; out.textContent = 'which user?'; return; }
  const ok = await confirmAction('Disconnect ' + user + '?',
    (client ? 'The connection ' + client + ' of user "' + user + '"' : 'Every connection of user "' + user + '", on every node,') +
    (reconnect ? ' is closed with 3011 (force reconnect): their clients reconnect at once.' : ' is closed with 3503 (force disconnect): their clients do not reconnect.'),
    'Disconnect');
  if (!ok) return;
  const r = await act(api('disconnect', { user, client, reconnect }), (e) => { out.className = 'error'; out.textContent = e.message; });
  if (!r) return;
  out.className = 'ok';
  out.textContent = 'disconnect sent for ' + user + (client ? ' / ' + client : '');
  loadChannels();
}

// ---------------------------------------------------------------- start

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => showLogin(''));
  $('chart-node').addEventListener('change', renderChart);
  $('channels-form').addEventListener('submit', (e) => { e.preventDefault(); loadChannels(); });
  $('open-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('open-channel').value.trim();
    if (name) openChannel(name);
  });
  $('channel-refresh').addEventListener('click', () => { loadFacts(); loadHistory('newest'); });
  $('history-newest').addEventListener('click', () => loadHistory('newest'));
  $('history-older').addEventListener('click', () => loadHistory('older'));
  $('history-newer').addEventListener('click', () => loadHistory('newer'));
  $('presence-load').addEventListener('click', loadPresence);
  $('publish-form').addEventListener('submit', publish);
  $('disconnect-form').addEventListener('submit', disconnectUser);
  // A stored session (this tab) or an insecure node opens the page at once; anything else asks for the password.
  api('overview', { since: Number.MAX_SAFE_INTEGER }).then(showApp, (e) => showLogin(e instanceof Unauthorized ? '' : e.message));
});
