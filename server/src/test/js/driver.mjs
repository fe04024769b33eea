// Generic driver of one centrifuge-js client for the Java end-to-end tests (SdkClient).
//
// Configuration (environment):
//   REBOUND_URL          ws://127.0.0.1:<port>/connection/websocket (required)
//   REBOUND_TOKEN        connection JWT ("" = none)
//   REBOUND_CHANNELS     comma-separated channels to subscribe to before connecting
//   REBOUND_GET_TOKEN    "1": install a getToken callback that asks the Java side for a token
//                        (prints {"event":"getToken"} and waits for a "token <jwt>" line on stdin)
//   REBOUND_TRANSPORTS   optional comma-separated transport list tried in order (websocket, http_stream,
//                        sse): the SDK's fallback, with each endpoint at /connection/<transport> and
//                        /emulation beside REBOUND_URL; SSE gets EventSource from the eventsource package
//   REBOUND_FORMAT       "protobuf": the SDK's Protobuf build (subprotocol centrifuge-protobuf; with REBOUND_TRANSPORTS
//                        also over http_stream, as application/octet-stream; sse is JSON-only); its
//                        publication data (bytes) is reported decoded as UTF-8 JSON, like the JSON build's
//
// Output: one JSON object per line on stdout, one per SDK event, always with "event" and "scope"
// ("client" for client-level events, including server-side subscriptions; "sub" for client-side
// subscriptions). Nothing else is written to stdout.
//
// Commands (stdin, one per line):
//   cut               terminate the socket under the SDK (it reconnects by itself)
//   offline           cut, and make every reconnect attempt fail until "online"
//   online            let reconnect attempts reach the server again
//   disconnect        client.disconnect()
//   connect           client.connect()
//   subscribe <ch>    new subscription (or subscribe again an existing one)
//   unsubscribe <ch>  subscription.unsubscribe()
//   token <jwt>       answer a pending getToken request
//   state             print {"event":"state", ...} with the client and subscription states and the
//                     socket under the SDK (ws and TCP ready states)
//   exit              disconnect and exit
import { Centrifuge as JsonCentrifuge } from 'centrifuge';
import WebSocket from 'ws';
import { EventSource } from 'eventsource';
import readline from 'node:readline';

const url = process.env.REBOUND_URL;
if (!url) {
  process.stderr.write('REBOUND_URL is required\n');
  process.exit(2);
}
const token = process.env.REBOUND_TOKEN || '';
const channels = (process.env.REBOUND_CHANNELS || '').split(',').filter((c) => c.length > 0);
const protobuf = process.env.REBOUND_FORMAT === 'protobuf';
const Centrifuge = protobuf ? (await import('centrifuge/build/protobuf')).Centrifuge : JsonCentrifuge;

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// While offline, connection attempts go to a port where nothing listens: the SDK sees a transport
// failure and keeps retrying with its backoff, exactly as during a real network outage.
let online = true;
class GatedWebSocket extends WebSocket {
  constructor(address, protocols, options) {
    super(online ? address : 'ws://127.0.0.1:1/connection/websocket', protocols, options);
    traceSocket(this);
  }
}

// What happened under the SDK, on stderr (kept in target/e2e-sdk/<name>.log and quoted by a failing
// wait): when the server's close frame and the end of the TCP connection arrived. A wait for the SDK
// to notice a stopped node then tells "nothing reached the client" from "the SDK did not report it".
function trace(what) {
  process.stderr.write(new Date().toISOString() + ' ' + what + '\n');
}

function traceSocket(ws) {
  ws.on('open', () => {
    const tcp = ws._socket;
    const name = tcp ? `${tcp.localPort}->${tcp.remotePort}` : '?';
    trace(`ws open ${name}`);
    // ws reports a close only once the TCP connection has ended; its receiver sees the close frame itself.
    if (ws._receiver) ws._receiver.on('conclude', (code) => trace(`close frame from server code=${code} ${name}`));
    if (!tcp) return;
    tcp.on('end', () => trace(`tcp end (FIN from server) ${name} bytesRead=${tcp.bytesRead}`));
    tcp.on('close', (hadError) => trace(`tcp closed ${name} hadError=${hadError}`));
  });
  ws.on('close', (code, reason) => trace(`ws close code=${code} reason=${String(reason)}`));
  ws.on('error', (e) => trace(`ws error ${e && e.message}`));
}

const pendingTokens = [];
const options = {
  token,
  websocket: GatedWebSocket,
  minReconnectDelay: 50,
  maxReconnectDelay: 300,
  timeout: 5000,
};
if (process.env.REBOUND_GET_TOKEN === '1') {
  options.getToken = () => new Promise((resolve) => {
    pendingTokens.push(resolve);
    emit({ event: 'getToken', scope: 'client' });
  });
}

// With a transport list the SDK falls back from one transport to the next until one opens.
let endpoint = url;
const transports = (process.env.REBOUND_TRANSPORTS || '').split(',').filter((t) => t.length > 0);
if (transports.length > 0) {
  const base = url.replace(/\/connection\/websocket$/, '');
  const httpBase = base.replace(/^ws/, 'http');
  endpoint = transports.map((transport) => ({
    transport,
    endpoint: (transport === 'websocket' ? base : httpBase) + '/connection/' + transport,
  }));
  options.emulationEndpoint = httpBase + '/emulation';
  options.eventsource = EventSource;
}

const client = new Centrifuge(endpoint, options);

function subscribedEvent(scope, ctx) {
  return {
    event: 'subscribed', scope, channel: ctx.channel,
    wasRecovering: ctx.wasRecovering, recovered: ctx.recovered,
    recoverable: ctx.recoverable, positioned: ctx.positioned,
    hasRecoveredPublications: ctx.hasRecoveredPublications,
    offset: ctx.streamPosition ? ctx.streamPosition.offset : null,
    epoch: ctx.streamPosition ? ctx.streamPosition.epoch : null,
  };
}

// The Protobuf build hands data over as bytes: reported as the JSON they hold (else as text).
function dataOf(data) {
  if (!protobuf || !(data instanceof Uint8Array)) return data;
  const text = new TextDecoder().decode(data);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function publicationEvent(scope, ctx) {
  return { event: 'publication', scope, channel: ctx.channel, data: dataOf(ctx.data), offset: ctx.offset ?? null };
}

function errorOf(e) {
  return e ? { code: e.code ?? null, message: e.message ?? String(e) } : null;
}

client.on('connecting', (ctx) => emit({ event: 'connecting', scope: 'client', code: ctx.code, reason: ctx.reason }));
client.on('connected', (ctx) => emit({ event: 'connected', scope: 'client', client: ctx.client, transport: ctx.transport }));
client.on('disconnected', (ctx) => emit({ event: 'disconnected', scope: 'client', code: ctx.code, reason: ctx.reason }));
client.on('error', (ctx) => emit({ event: 'error', scope: 'client', type: ctx.type, error: errorOf(ctx.error) }));
client.on('subscribing', (ctx) => emit({ event: 'subscribing', scope: 'client', channel: ctx.channel }));
client.on('subscribed', (ctx) => emit(subscribedEvent('client', ctx)));
client.on('unsubscribed', (ctx) => emit({ event: 'unsubscribed', scope: 'client', channel: ctx.channel }));
client.on('publication', (ctx) => emit(publicationEvent('client', ctx)));

function subscription(channel) {
  const existing = client.getSubscription(channel);
  if (existing) return existing;
  const sub = client.newSubscription(channel);
  sub.on('subscribing', (ctx) => emit({ event: 'subscribing', scope: 'sub', channel, code: ctx.code, reason: ctx.reason }));
  sub.on('subscribed', (ctx) => emit(subscribedEvent('sub', ctx)));
  sub.on('unsubscribed', (ctx) => emit({ event: 'unsubscribed', scope: 'sub', channel, code: ctx.code, reason: ctx.reason }));
  sub.on('error', (ctx) => emit({ event: 'error', scope: 'sub', channel, type: ctx.type, error: errorOf(ctx.error) }));
  sub.on('publication', (ctx) => emit(publicationEvent('sub', { ...ctx, channel })));
  return sub;
}

function cut() {
  const transport = client._transport && client._transport._transport;
  if (transport && typeof transport.terminate === 'function') transport.terminate();
  emit({ event: 'cut', scope: 'client', hadSocket: !!transport });
}

function state() {
  const subs = {};
  for (const [ch, sub] of Object.entries(client.subscriptions())) subs[ch] = sub.state;
  const ws = client._transport && client._transport._transport;
  const tcp = ws && ws._socket;
  emit({
    event: 'state', scope: 'client', state: client.state,
    socket: ws ? { wsReadyState: ws.readyState, tcpReadyState: tcp ? tcp.readyState : null,
      tcpDestroyed: tcp ? tcp.destroyed : null, localPort: tcp ? tcp.localPort : null } : null,
    reconnectScheduled: client._reconnectTimeout !== null && client._reconnectTimeout !== undefined,
    subscriptions: subs,
  });
}

const commands = {
  cut,
  offline: () => { online = false; cut(); },
  online: () => { online = true; emit({ event: 'online', scope: 'client' }); },
  disconnect: () => client.disconnect(),
  connect: () => client.connect(),
  subscribe: (ch) => subscription(ch).subscribe(),
  unsubscribe: (ch) => { const s = client.getSubscription(ch); if (s) s.unsubscribe(); },
  token: (jwt) => { const r = pendingTokens.shift(); if (r) r(jwt); },
  state,
  exit: () => { client.disconnect(); process.exit(0); },
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [name, ...args] = line.trim().split(/\s+/);
  if (!name) return;
  const command = commands[name];
  if (!command) {
    emit({ event: 'badCommand', scope: 'client', line });
    return;
  }
  try {
    command(...args);
  } catch (e) {
    emit({ event: 'commandFailed', scope: 'client', line, error: errorOf(e) });
  }
}).on('close', () => process.exit(0)); // the Java side went away

for (const ch of channels) subscription(ch).subscribe();
client.connect();
emit({ event: 'started', scope: 'client' });
