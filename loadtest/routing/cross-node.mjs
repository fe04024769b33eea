// Routing-by-interest benchmark for a 3-node cluster: C channels per node whose subscribers all sit on
// that node (each of S clients per node subscribes to C/S channels), then P publications spread
// round-robin over all channels, posted through node 1's HTTP API (W in flight). Reports, per node,
// the delta of rebound_fanout_received_total{source} (when the server exports it), of the process's
// bytes read (/proc/PID/io rchar: sockets included) and of its CPU time (utime+stime), and the
// deliveries the clients counted. Run it against the base jar and the new one, alternating.
// usage: PIDS=p1,p2,p3 API_KEY=key TOKEN=jwt [HOOK=cmd] node cross-node.mjs PORT1,PORT2,PORT3 [C=1000] [S=10] [P=30000] [W=32]
import fs from 'node:fs';
import { execSync } from 'node:child_process';
import WebSocket from 'ws';

const [portsArg, ...rest] = process.argv.slice(2);
const [C = 1000, S = 10, P = 30000, W = 32] = rest.map(Number);
const ports = portsArg.split(',').map(Number);
const pids = (process.env.PIDS || '').split(',').filter(Boolean).map(Number);
const apiKey = process.env.API_KEY || 'bench-key';
const token = process.env.TOKEN;
const channels = [];
let delivered = 0;

const subscribe = (port, names) => new Promise((resolve, reject) => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/connection/websocket`, { perMessageDeflate: false });
  let pending = names.length;
  ws.on('error', reject);
  ws.on('open', () => {
    const cmds = [`{"id":1,"connect":{"token":"${token}"}}`];
    names.forEach((ch, i) => cmds.push(`{"id":${i + 2},"subscribe":{"channel":"${ch}"}}`));
    ws.send(cmds.join('\n'));
  });
  ws.on('message', (buf) => {
    const s = buf.toString();
    if (s === '{}') return ws.send('{}');
    for (const line of s.split('\n')) {
      if (line.includes('"push"')) { if (line.includes('"pub"')) delivered++; }
      else if (line.includes('"subscribe"') && --pending === 0) resolve(ws);
      else if (line.includes('"error"')) reject(new Error(line));
    }
  });
});

const stat = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, rchar: Number(/rchar: (\d+)/.exec(io)[1]) };
};
const metric = async (port) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const get = (src) => { const m = new RegExp(`rebound_fanout_received_total\\{source="${src}"[^}]*\\} ([0-9.eE+]+)`).exec(text); return m ? Number(m[1]) : null; };
  return { local: get('local'), cluster: get('cluster') };
};
const snapshot = async () => Promise.all(ports.map(async (port, i) => ({ ...(pids[i] ? stat(pids[i]) : {}), ...(await metric(port)) })));

const socks = [];
for (let n = 0; n < ports.length; n++) {
  for (let s = 0; s < S; s++) {
    const names = [];
    for (let c = s; c < C; c += S) names.push(`chat:route-${n}-${c}`);
    channels.push(...names);
    socks.push(await subscribe(ports[n], names));
  }
}
// HOOK: a command run with the argument before / after the publishing phase; its output is reported (e.g. socket byte counters).
const hook = (when) => (process.env.HOOK ? execSync(`${process.env.HOOK} ${when}`).toString().trim() : null);
const hookBefore = hook('before');
const before = await snapshot();
const t0 = Date.now();
let next = 0;
const worker = async () => {
  while (next < P) {
    const i = next++;
    const r = await fetch(`http://127.0.0.1:${ports[0]}/api/publish`, { method: 'POST', headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: channels[i % channels.length], data: { i } }) });
    if (r.status !== 200) throw new Error(`publish ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
  }
};
await Promise.all([...Array(Number(W)).keys()].map(worker));
const waitStart = Date.now();
while (delivered < P && Date.now() - waitStart < 30000) await new Promise((r) => setTimeout(r, 50));
const secs = (Date.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 500)); // let the last cross-node messages land before reading counters
const after = await snapshot();
const hookAfter = hook('after');
const nodes = after.map((a, i) => {
  const b = before[i], d = (k) => (a[k] == null || b[k] == null ? null : +(a[k] - b[k]).toFixed(2));
  return { node: i + 1, cluster: d('cluster'), local: d('local'), cpu_s: d('cpu'), rchar_per_pub: a.rchar == null ? null : Math.round((a.rchar - b.rchar) / P) };
});
const crossPerPub = nodes.every((n) => n.cluster != null) ? +(nodes.reduce((s, n) => s + n.cluster, 0) / P).toFixed(3) : null;
const cpu = nodes.reduce((s, n) => s + (n.cpu_s || 0), 0);
console.log(JSON.stringify({ channels: channels.length, publications: P, delivered, lost: P - delivered, secs: +secs.toFixed(2),
  pubs_per_s: Math.round(P / secs), cluster_cpu_s: +cpu.toFixed(2), pubs_per_cluster_cpu_s: cpu ? Math.round(P / cpu) : null,
  cross_node_msgs_per_pub: crossPerPub, hook: process.env.HOOK ? { before: hookBefore, after: hookAfter } : undefined, load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0], nodes }));
socks.forEach((s) => s.terminate());
process.exit(0);
