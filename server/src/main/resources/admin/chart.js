// The activity chart: per-second series of one node or the whole cluster over the last minutes, as
// inline SVG, with mass-disconnect events detected and explained (a balancer reload must read as one).
import { $, fmt, clock, h, svg } from './dom.js';


const NETWORK = 'network';
const SERIES = {
  connections: { label: 'connections', color: '#2563eb' },
  opened: { label: 'opened', color: '#16a34a' },
  closed: { label: 'closed', color: '#dc2626' },
  recoveries_attempted: { label: 'recoveries attempted', color: '#111827' },
  recovered: { label: 'recovered', color: '#16a34a' },
  recoveries_refused: { label: 'refused', color: '#dc2626' },
  resumed: { label: 'resumed', color: '#7c3aed' },
  resumes_refused: { label: 'resume refused', color: '#d97706' },
};
const CODE_COLORS = ['#0891b2', '#d97706', '#7c3aed', '#db2777', '#65a30d', '#dc2626', '#4f46e5', '#0d9488', '#a16207', '#be123c'];

function codeColor(code) {
  if (code === NETWORK) return '#94a3b8';
  let x = 0;
  for (const ch of String(code)) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return CODE_COLORS[x % CODE_COLORS.length];
}

let codeNames = {};

function codeLabel(code) {
  if (code === NETWORK) return 'closed by client or network';
  const reason = codeNames[code];
  return code + (reason ? ' ' + reason : '');
}

/**
 * Per-second rows of the nodes `uids` summed, for the `span` seconds up to `end`,
 * oldest first; `samples` maps node uid to (second to sample). Seconds without samples count zero.
 */
export function seriesRows(samples, uids, end, span) {
  const out = [];
  for (let t = end - span + 1; t <= end; t++) {
    const r = { t, connections: null, disconnects: {}, refused_by_reason: {} };
    for (const k of Object.keys(SERIES)) if (k !== 'connections') r[k] = 0;
    for (const uid of uids) {
      const s = samples.get(uid) && samples.get(uid).get(t);
      if (!s) continue;
      r.connections = (r.connections || 0) + s.connections;
      for (const k of Object.keys(SERIES)) if (k !== 'connections') r[k] += s[k] || 0;
      for (const [c, n] of Object.entries(s.disconnects || {})) r.disconnects[c] = (r.disconnects[c] || 0) + n;
      for (const [c, n] of Object.entries(s.refused_by_reason || {})) r.refused_by_reason[c] = (r.refused_by_reason[c] || 0) + n;
    }
    const byServer = Object.values(r.disconnects).reduce((a, n) => a + n, 0);
    const network = Math.max(0, r.closed - byServer);
    if (network) r.disconnects[NETWORK] = network;
    out.push(r);
  }
  return out;
}

/** Seconds of closes around a mass disconnect that still belong to it. */
const CLOSE_SPREAD = 3;
const W = 1000, LEFT = 56, RIGHT = 10, PANEL_H = 92, GAP = 40, TOP = 26;

function niceMax(v) {
  if (v <= 1) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Draws one panel: stacked bars (each a list of [key, value, color]) and optional lines. */
function panel(root, y0, title, data, stacks, lines, events) {
  const n = data.length;
  const bw = (W - LEFT - RIGHT) / n;
  let max = 0;
  for (const r of data) {
    max = Math.max(max, stacks(r).reduce((a, [, v]) => a + v, 0));
    for (const l of lines) max = Math.max(max, l.value(r) || 0);
  }
  max = niceMax(max);
  const y = (v) => y0 + PANEL_H - (v / max) * PANEL_H;
  root.append(svg('text', { x: LEFT, y: y0 - 12, class: 'title' }, title));
  for (const f of [0, 0.5, 1]) {
    root.append(svg('line', { x1: LEFT, x2: W - RIGHT, y1: y(max * f), y2: y(max * f), class: f === 0 ? 'axis' : 'grid' }));
    root.append(svg('text', { x: LEFT - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, fmt(max * f)));
  }
  data.forEach((r, i) => {
    let acc = 0;
    for (const [key, v, color] of stacks(r)) {
      if (!v) continue;
      const top = y(acc + v);
      root.append(svg('rect', { x: LEFT + i * bw + 0.5, y: top, width: Math.max(1, bw - 1), height: y(acc) - top, fill: color, 'data-series': key, 'data-t': r.t, 'data-v': v }));
      acc += v;
    }
  });
  for (const l of lines) {
    let d = '';
    data.forEach((r, i) => {
      const v = l.value(r);
      if (v === null || v === undefined) return;
      d += (d && data[i - 1] && l.value(data[i - 1]) !== null ? 'L' : 'M') + (LEFT + i * bw + bw / 2).toFixed(1) + ' ' + y(v).toFixed(1);
    });
    if (d) root.append(svg('path', { d, fill: 'none', stroke: l.color, 'stroke-width': l.width || 1.5, 'data-series': l.key }));
  }
  for (const e of events) {
    const i = data.findIndex((r) => r.t === e.t);
    if (i < 0) continue;
    const x = LEFT + i * bw + bw / 2;
    root.append(svg('line', { x1: x, x2: x, y1: y0 - 2, y2: y0 + PANEL_H, class: 'marker' }));
  }
}

/** Draws `data` (from seriesRows) into `box`, with the legend, and the events into `eventsBox`. */
export function drawChart(box, eventsBox, data, names) {
  codeNames = names || {};
  const events = detectEvents(data);
  const codes = new Set();
  for (const r of data) for (const c of Object.keys(r.disconnects)) codes.add(c);
  const codeList = [...codes].sort((a, b) => (a === NETWORK ? -1 : b === NETWORK ? 1 : Number(a) - Number(b)));

  const height = TOP + 3 * PANEL_H + 2 * GAP + 26;
  const root = svg('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': 'per-second activity chart' });
  const y1 = TOP, y2 = TOP + PANEL_H + GAP, y3 = TOP + 2 * (PANEL_H + GAP);
  panel(root, y1, 'Connections (line) · opened / closed per second', data,
    (r) => [['opened', r.opened, SERIES.opened.color], ['closed', r.closed, SERIES.closed.color]],
    [{ key: 'connections', value: (r) => r.connections, color: SERIES.connections.color, width: 2 }], events);
  panel(root, y2, 'Recoveries and resumes per second', data,
    (r) => ['recovered', 'recoveries_refused', 'resumed', 'resumes_refused'].map((k) => [k, r[k], SERIES[k].color]),
    [{ key: 'recoveries_attempted', value: (r) => r.recoveries_attempted, color: SERIES.recoveries_attempted.color, width: 1 }], events);
  panel(root, y3, 'Disconnects per second, by close code', data,
    (r) => codeList.map((c) => ['disconnect:' + c, r.disconnects[c] || 0, codeColor(c)]), [], events);

  // time axis
  const bw = (W - LEFT - RIGHT) / data.length;
  const every = data.length <= 90 ? 15 : data.length <= 180 ? 30 : 60;
  data.forEach((r, i) => {
    if (r.t % every !== 0) return;
    const x = LEFT + i * bw + bw / 2;
    root.append(svg('text', { x, y: height - 6, 'text-anchor': 'middle' }, clock(r.t)));
  });
  for (const e of events) {
    const i = data.findIndex((r) => r.t === e.t);
    if (i < 0) continue;
    const x = LEFT + i * bw + bw / 2;
    const right = x > W * 0.7; // near the right edge the label goes left of its line
    root.append(svg('text', { x: right ? x - 4 : x + 4, y: TOP + 10, 'text-anchor': right ? 'end' : 'start', class: 'marker-label' }, e.kind));
  }
  const cursor = svg('line', { x1: 0, x2: 0, y1: TOP, y2: height - 22, class: 'cursor', visibility: 'hidden' });
  root.append(cursor);
  const overlay = svg('rect', { x: LEFT, y: 0, width: W - LEFT - RIGHT, height, fill: 'transparent' });
  overlay.addEventListener('mousemove', (ev) => hover(ev, root, cursor, data));
  overlay.addEventListener('mouseleave', () => { cursor.setAttribute('visibility', 'hidden'); $('tooltip').hidden = true; });
  root.append(overlay);

  const totals = (k) => data.reduce((a, r) => a + (r[k] || 0), 0);
  const legend = h('div', { className: 'legend', id: 'legend' });
  const item = (key, label, color, total) => {
    const el = h('span', { dataset: { series: key, total: String(total) } }, label + (total === null ? '' : ' ' + fmt(total)));
    el.style.setProperty('--swatch', color);
    return el;
  };
  const lastConn = [...data].reverse().find((r) => r.connections !== null);
  legend.append(item('connections', 'connections now', SERIES.connections.color, lastConn ? lastConn.connections : 0));
  for (const k of ['opened', 'closed', 'recoveries_attempted', 'recovered', 'recoveries_refused', 'resumed', 'resumes_refused']) {
    legend.append(item(k, SERIES[k].label, SERIES[k].color, totals(k)));
  }
  const reasons = {};
  for (const r of data) for (const [c, n] of Object.entries(r.refused_by_reason)) reasons[c] = (reasons[c] || 0) + n;
  for (const [c, n] of Object.entries(reasons)) legend.append(item('refused:' + c, 'refused: ' + c.replace('_', ' '), SERIES.recoveries_refused.color, n));
  for (const c of codeList) {
    legend.append(item('disconnect:' + c, codeLabel(c), codeColor(c), data.reduce((a, r) => a + (r.disconnects[c] || 0), 0)));
  }
  box.replaceChildren(legend, root);
  renderEvents(eventsBox, events);
}

function hover(ev, root, cursor, data) {
  const box = root.getBoundingClientRect();
  const x = (ev.clientX - box.left) * (W / box.width);
  const bw = (W - LEFT - RIGHT) / data.length;
  const i = Math.max(0, Math.min(data.length - 1, Math.floor((x - LEFT) / bw)));
  const r = data[i];
  const cx = LEFT + i * bw + bw / 2;
  cursor.setAttribute('x1', cx);
  cursor.setAttribute('x2', cx);
  cursor.setAttribute('visibility', 'visible');
  const lines = [clock(r.t), 'connections ' + fmt(r.connections), 'opened ' + fmt(r.opened) + ' · closed ' + fmt(r.closed),
    'recoveries ' + fmt(r.recoveries_attempted) + ': ' + fmt(r.recovered) + ' recovered, ' + fmt(r.recoveries_refused) + ' refused',
    'resumed ' + fmt(r.resumed) + ' · resume refused ' + fmt(r.resumes_refused)];
  for (const [c, n] of Object.entries(r.refused_by_reason)) lines.push('  refused ' + c + ': ' + fmt(n));
  for (const [c, n] of Object.entries(r.disconnects)) lines.push(codeLabel(c) + ': ' + fmt(n));
  const tip = $('tooltip');
  tip.textContent = lines.join('\n');
  tip.hidden = false;
  tip.style.left = Math.min(window.innerWidth - 280, ev.clientX + 14) + 'px';
  tip.style.top = ev.clientY + 14 + 'px';
}

/**
 * Mass disconnects: a second in which at least a third of the open connections (and at least 3)
 * closed, together with the seconds of closes right around it (a cut rarely falls inside one
 * second). What closed them names the event (a network cut, a node shutdown, a server code), and the
 * 30 seconds after it say how the clients came back: reconnected, recovered, resumed, refused.
 */
export function detectEvents(data) {
  const events = [];
  for (let i = 1; i < data.length; i++) {
    const r = data[i];
    if (r.closed < 3 || r.closed < (data[i - 1].connections || 0) / 3) continue;
    let first = i;
    while (first > 1 && data[first - 1].closed > 0 && i - (first - 1) <= CLOSE_SPREAD) first--;
    let last = i;
    while (last + 1 < data.length && data[last + 1].closed > 0 && last + 1 - i <= CLOSE_SPREAD) last++;
    const previous = events[events.length - 1];
    if (previous && data[first].t - previous.end <= CLOSE_SPREAD) {
      for (let k = first; k <= last; k++) if (data[k].t > previous.end) absorb(previous, data[k]);
    } else {
      const e = { t: data[first].t, end: data[first].t, closed: 0, byCode: {}, before: data[first - 1].connections || 0 };
      for (let k = first; k <= last; k++) absorb(e, data[k]);
      events.push(e);
    }
    i = last;
  }
  for (const e of events) {
    const after = data.filter((r) => r.t >= e.t && r.t <= e.end + 30);
    const sum = (k) => after.reduce((a, r) => a + (r[k] || 0), 0);
    e.opened = sum('opened');
    e.recovered = sum('recovered');
    e.refused = sum('recoveries_refused');
    e.resumed = sum('resumed');
    e.resumeRefused = sum('resumes_refused');
    const back = after.findIndex((r) => r.connections !== null && r.connections >= 0.95 * e.before && r.t > e.end);
    e.backIn = back < 0 ? null : after[back].t - e.t;
    const main = Object.entries(e.byCode).sort((a, b) => b[1] - a[1])[0];
    const code = main ? main[0] : NETWORK;
    e.kind = code === NETWORK ? 'network cut (balancer reload?)' : code === '3001' ? 'node shutdown' : 'disconnects ' + code;
  }
  return events;
}

function absorb(e, r) {
  e.end = r.t;
  e.closed += r.closed;
  for (const [c, n] of Object.entries(r.disconnects)) e.byCode[c] = (e.byCode[c] || 0) + n;
}

function renderEvents(box, events) {
  box.replaceChildren(...events.slice(-4).reverse().map((e) => {
    const lossy = e.refused > 0 || e.resumeRefused > 0;
    return h('div', { className: 'event ' + (lossy ? 'lossy' : 'clean'), dataset: { kind: e.kind, closed: e.closed, recovered: e.recovered, refused: e.refused } },
      h('b', {}, clock(e.t) + ' — ' + e.kind + ': '),
      fmt(e.closed) + ' connections closed (' + fmt(e.before) + ' open before); ',
      fmt(e.opened) + ' opened' + (e.backIn === null ? '' : ', back to 95% in ' + e.backIn + ' s') + '; ',
      'recoveries: ' + fmt(e.recovered) + ' recovered, ' + fmt(e.refused) + ' refused; ',
      'resumes: ' + fmt(e.resumed) + (e.resumeRefused ? ' (' + fmt(e.resumeRefused) + ' refused)' : '') + '.');
  }));
}

