// Fan-out benchmark with JSON and Protobuf subscribers mixed: the load of ../shared/bench/fanout-mp.mjs
// (N subscribers of personal:shared over K worker processes, M publications posted through the HTTP
// API, W in flight, deliveries per server CPU-second with SERVER_PID), where the first P workers speak
// the Protobuf protocol (subprotocol centrifuge-protobuf, binary varint-delimited frames) and the rest
// JSON. P=0 is the JSON-only baseline. The shared script has no Protobuf mode, hence this one.
// usage: SERVER_PID=pid API_KEY=key node fanout-formats.mjs PORT N M W TOKEN K P
import { fork } from 'node:child_process';
import fs from 'node:fs';
import WebSocket from 'ws';

const HIST_MS = 20000;

// Protobuf framing, by hand: a varint, and the two commands a subscriber sends.
const varint = (n) => { const out = []; while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; } out.push(n); return out; };
const field = (num, bytes) => [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
const delimited = (bytes) => [...varint(bytes.length), ...bytes];
const utf8 = (s) => [...Buffer.from(s, 'utf8')];
const protobufHello = (token) => Buffer.from([
  ...delimited([0x08, 1, ...field(4, field(1, utf8(token)))]),            // Command{id:1, connect{token}}
  ...delimited([0x08, 2, ...field(5, field(1, utf8('personal:shared')))]), // Command{id:2, subscribe{channel}}
]);

if (process.env.FANOUT_WORKER) {
  const { port, count, token, protobuf } = JSON.parse(process.env.FANOUT_WORKER);
  const hist = new Uint32Array(HIST_MS + 1);
  let delivered = 0, first = 0, last = 0;
  const onText = (text) => {
    let i = 0;
    while ((i = text.indexOf('"t":', i)) !== -1) {
      const now = Date.now();
      const t = Number(text.slice(i + 4, text.indexOf('}', i)).split(',')[0]);
      hist[Math.min(HIST_MS, Math.max(0, now - t))]++;
      delivered++; if (!first) first = now; last = now;
      i += 4;
    }
  };
  const open = () => new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${port}/connection/websocket`;
    const ws = protobuf ? new WebSocket(url, ['centrifuge-protobuf'], { perMessageDeflate: false }) : new WebSocket(url, { perMessageDeflate: false });
    let ready = false;
    ws.on('error', reject);
    ws.on('message', (buf, isBinary) => {
      if (!protobuf) {
        const s = buf.toString();
        if (s === '{}') return ws.send('{}');
        for (const line of s.split('\n')) {
          if (!ready && line.includes('"id":2')) { ready = true; resolve(ws); } else if (line.includes('"push"')) onText(line);
        }
        return;
      }
      if (!isBinary) return reject(new Error('text frame on a Protobuf connection'));
      if (buf.length === 1 && buf[0] === 0) return ws.send(Buffer.from([0])); // ping → pong
      let pos = 0;
      while (pos < buf.length) {
        let len = 0, shift = 0, b;
        do { b = buf[pos++]; len |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
        const msg = buf.subarray(pos, pos + len);
        pos += len;
        if (!ready && msg[0] === 0x08 && msg[1] === 2) { ready = true; resolve(ws); } else if (len > 0) onText(msg.toString('latin1'));
      }
    });
    ws.on('open', () => ws.send(protobuf ? protobufHello(token) : `{"id":1,"connect":{"token":"${token}"}}\n{"id":2,"subscribe":{"channel":"personal:shared"}}`));
  });
  const socks = [];
  for (let i = 0; i < count; i += 100) socks.push(...await Promise.all([...Array(Math.min(100, count - i)).keys()].map(open)));
  process.send({ ready: true });
  process.on('message', (m) => {
    if (m.report) process.send({ delivered, first, last, hist: Array.from(hist) });
    if (m.exit) { socks.forEach((s) => s.terminate()); process.exit(0); }
  });
} else {
  const [port, N = 1000, M = 2000, W = 16, TOKEN = '', K = 2, P = 1] = process.argv.slice(2);
  const n = Number(N), m = Number(M), w = Number(W), k = Number(K), p = Number(P);
  const cpuTicks = (pid) => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
  const pid = process.env.SERVER_PID;
  const workers = [];
  let protobufSubscribers = 0;
  for (let i = 0; i < k; i++) {
    const count = Math.floor(n / k) + (i < n % k ? 1 : 0);
    if (i < p) protobufSubscribers += count;
    workers.push(fork(new URL(import.meta.url).pathname, [], { env: { ...process.env, FANOUT_WORKER: JSON.stringify({ port, count, token: TOKEN, protobuf: i < p }) } }));
  }
  await Promise.all(workers.map((wk) => new Promise((r) => wk.once('message', r))));
  const report = () => Promise.all(workers.map((wk) => new Promise((r) => { wk.once('message', r); wk.send({ report: true }); })));
  const headers = { 'Content-Type': 'application/json', 'X-API-Key': process.env.API_KEY ?? 'bench-key' };
  const cpu0 = pid ? cpuTicks(pid) : 0;
  let sent = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (sent < m) {
      sent++;
      await fetch(`http://127.0.0.1:${port}/api/publish`, { method: 'POST', headers, body: JSON.stringify({ channel: 'personal:shared', data: { t: Date.now(), p: 'x'.repeat(64) } }) });
    }
  };
  await Promise.all([...Array(w).keys()].map(worker));
  const tPub = Date.now() - t0;
  const deadline = Date.now() + 30000;
  let rs = await report();
  while (rs.reduce((a, r) => a + r.delivered, 0) < n * m && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    rs = await report();
  }
  const cpu1 = pid ? cpuTicks(pid) : 0;
  const delivered = rs.reduce((a, r) => a + r.delivered, 0);
  const first = Math.min(...rs.map((r) => r.first || Infinity)), last = Math.max(...rs.map((r) => r.last));
  const hist = new Array(HIST_MS + 1).fill(0);
  rs.forEach((r) => r.hist.forEach((c, i) => { hist[i] += c; }));
  const q = (x) => { const target = x * delivered; let acc = 0; for (let i = 0; i <= HIST_MS; i++) { acc += hist[i]; if (acc > target) return i; } return HIST_MS; };
  const secs = (last - first) / 1000 || 1;
  const cpuS = pid ? (cpu1 - cpu0) / 100 : null;
  workers.forEach((wk) => wk.send({ exit: true }));
  console.log(JSON.stringify({ subscribers: n, protobuf_subscribers: protobufSubscribers, publications: m, workers: k, expected: n * m, delivered,
    lost: n * m - delivered, deliveries_per_s: Math.round(delivered / secs), publish_per_s: Math.round(m / (tPub / 1000)), p50_ms: q(0.5), p99_ms: q(0.99),
    server_cpu_s: cpuS, deliveries_per_server_cpu_s: cpuS ? Math.round(delivered / cpuS) : null }));
  setTimeout(() => process.exit(0), 200);
}
