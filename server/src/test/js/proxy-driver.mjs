// One centrifuge-js client that connects WITHOUT a token, for the backend proxy tests (ProxyHooksIT):
// the node asks the application backend's connect hook who it is.
//
// Configuration (environment):
//   REBOUND_URL        ws://127.0.0.1:<port>/connection/websocket (required)
//   REBOUND_DATA       JSON: the connect command's data (what the connect hook receives)
//   REBOUND_HEADERS    JSON object: the SDK's emulated headers (connect command "headers")
//   REBOUND_COOKIE     a real Cookie header on the WebSocket upgrade request ("" = none)
//
// Output: one JSON object per line on stdout ("event" and "scope" as in driver.mjs, plus the
// fields each test needs: connect data, subscribe data, codes and reasons, rpc answers).
//
// Commands (stdin, one per line):
//   subscribe <ch> [json]   subscribe (with subscribe data)       publish <ch> <json>   publish
//   rpc <method> <json>     rpc, prints rpcResult / rpcError      cut                   drop the socket
//   state                   prints the client's state             exit                  disconnect and exit
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import readline from 'node:readline';

const url = process.env.REBOUND_URL;
if (!url) {
  process.stderr.write('REBOUND_URL is required\n');
  process.exit(2);
}
const cookie = process.env.REBOUND_COOKIE || '';

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

// A browser sends its cookies with the upgrade request; ws needs to be told.
class CookieWebSocket extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, cookie ? { headers: { Cookie: cookie } } : {});
  }
}

const options = {
  websocket: CookieWebSocket,
  minReconnectDelay: 50,
  maxReconnectDelay: 300,
  timeout: 5000,
};
if (process.env.REBOUND_DATA) options.data = JSON.parse(process.env.REBOUND_DATA);
if (process.env.REBOUND_HEADERS) options.headers = JSON.parse(process.env.REBOUND_HEADERS);

const client = new Centrifuge(url, options);

function errorOf(e) {
  return e ? { code: e.code ?? null, message: e.message ?? String(e), temporary: e.temporary ?? null } : null;
}

client.on('connecting', (ctx) => emit({ event: 'connecting', scope: 'client', code: ctx.code, reason: ctx.reason }));
client.on('connected', (ctx) => emit({ event: 'connected', scope: 'client', client: ctx.client, data: ctx.data ?? null }));
client.on('disconnected', (ctx) => emit({ event: 'disconnected', scope: 'client', code: ctx.code, reason: ctx.reason }));
client.on('error', (ctx) => emit({ event: 'error', scope: 'client', type: ctx.type, error: errorOf(ctx.error) }));
client.on('subscribed', (ctx) => emit({ event: 'subscribed', scope: 'client', channel: ctx.channel, data: ctx.data ?? null }));
client.on('publication', (ctx) => emit({ event: 'publication', scope: 'client', channel: ctx.channel, data: ctx.data }));

function subscription(channel, data) {
  const existing = client.getSubscription(channel);
  if (existing) return existing;
  const sub = client.newSubscription(channel, data === undefined ? {} : { data });
  sub.on('subscribing', (ctx) => emit({ event: 'subscribing', scope: 'sub', channel, code: ctx.code, reason: ctx.reason }));
  sub.on('subscribed', (ctx) => emit({
    event: 'subscribed', scope: 'sub', channel, data: ctx.data ?? null,
    wasRecovering: ctx.wasRecovering, recovered: ctx.recovered,
  }));
  sub.on('unsubscribed', (ctx) => emit({ event: 'unsubscribed', scope: 'sub', channel, code: ctx.code, reason: ctx.reason }));
  sub.on('error', (ctx) => emit({ event: 'error', scope: 'sub', channel, type: ctx.type, error: errorOf(ctx.error) }));
  sub.on('publication', (ctx) => emit({ event: 'publication', scope: 'sub', channel, data: ctx.data, offset: ctx.offset ?? null }));
  return sub;
}

function cut() {
  const transport = client._transport && client._transport._transport;
  if (transport && typeof transport.terminate === 'function') transport.terminate();
  emit({ event: 'cut', scope: 'client', hadSocket: !!transport });
}

const commands = {
  subscribe: (ch, json) => subscription(ch, json === undefined ? undefined : JSON.parse(json)).subscribe(),
  publish: (ch, json) => client.publish(ch, JSON.parse(json)).then(
    () => emit({ event: 'published', scope: 'client', channel: ch }),
    (e) => emit({ event: 'publishError', scope: 'client', channel: ch, error: errorOf(e) })),
  rpc: (method, json) => client.rpc(method, JSON.parse(json)).then(
    (r) => emit({ event: 'rpcResult', scope: 'client', method, data: r.data ?? null }),
    (e) => emit({ event: 'rpcError', scope: 'client', method, error: errorOf(e) })),
  cut,
  state: () => emit({ event: 'state', scope: 'client', state: client.state }),
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
}).on('close', () => process.exit(0));

client.connect();
emit({ event: 'started', scope: 'client' });
