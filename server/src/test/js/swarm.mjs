// Many centrifuge-js clients in one process (one process per client would not fit the machine),
// all subscribed to one channel: the crowd a balancer reload drops and that must come back.
//
// Configuration (environment):
//   REBOUND_URL       ws://…/connection/websocket (required; usually a test proxy in front of the node)
//   REBOUND_TOKEN     connection JWT
//   REBOUND_CHANNEL   the channel every client subscribes to
//   REBOUND_CLIENTS   how many clients
//
// Output: one JSON object per line, always with "event" and "scope":"swarm":
//   {"event":"state","connected":N,"subscribed":N,"subscribes":N,"recovered":N,"notRecovered":N,"publications":N}
//   printed after every change (at most every 100 ms) and on the "state" command.
// Commands (stdin): state, exit.
import { Centrifuge } from 'centrifuge';
import WebSocket from 'ws';
import readline from 'node:readline';

const url = process.env.REBOUND_URL;
const count = Number(process.env.REBOUND_CLIENTS || '10');
const channel = process.env.REBOUND_CHANNEL;
if (!url || !channel) {
  process.stderr.write('REBOUND_URL and REBOUND_CHANNEL are required\n');
  process.exit(2);
}

const totals = { connected: 0, subscribed: 0, subscribes: 0, recovered: 0, notRecovered: 0, publications: 0 };
const clients = [];
let pending = null;

function emit(obj) {
  process.stdout.write(JSON.stringify({ scope: 'swarm', ...obj }) + '\n');
}

function changed() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; emit({ event: 'state', ...totals }); }, 100);
}

for (let i = 0; i < count; i++) {
  const client = new Centrifuge(url, {
    token: process.env.REBOUND_TOKEN || '', websocket: WebSocket, minReconnectDelay: 50, maxReconnectDelay: 500, timeout: 5000,
  });
  // A cut connection goes back to "connecting" (the SDK reconnects by itself), not to "disconnected".
  let connectedNow = false;
  const left = () => { if (connectedNow) { connectedNow = false; totals.connected--; changed(); } };
  client.on('connected', () => { if (!connectedNow) { connectedNow = true; totals.connected++; changed(); } });
  client.on('connecting', left);
  client.on('disconnected', left);
  const sub = client.newSubscription(channel);
  let subscribedNow = false;
  sub.on('subscribed', (ctx) => {
    if (!subscribedNow) { subscribedNow = true; totals.subscribed++; }
    totals.subscribes++;
    if (ctx.wasRecovering) { if (ctx.recovered) totals.recovered++; else totals.notRecovered++; }
    changed();
  });
  sub.on('subscribing', () => { if (subscribedNow) { subscribedNow = false; totals.subscribed--; changed(); } });
  sub.on('publication', () => { totals.publications++; changed(); });
  sub.subscribe();
  client.connect();
  clients.push(client);
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'state') emit({ event: 'state', ...totals });
  else if (command === 'exit') { clients.forEach((c) => c.disconnect()); process.exit(0); }
  else if (command) emit({ event: 'badCommand', line });
}).on('close', () => process.exit(0));

emit({ event: 'started', clients: count });
