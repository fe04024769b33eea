// A web page of another origin than the node's, in headless Chromium (puppeteer-core), that connects
// to the node with the centrifuge SDK over HTTP-streaming only (bidirectional emulation: the stream
// and POST /emulation), for the Java tests (CrossOriginBrowserIT). The page is served by this script
// on 127.0.0.1; Chromium resolves PAGE_HOST to 127.0.0.1, so the page's origin is
// http://PAGE_HOST:<port> while the node is at NODE_URL: every request of the SDK is cross-origin, and
// the browser enforces CORS on it as on any site.
//
// Configuration (environment):
//   NODE_URL    the node, e.g. http://127.0.0.1:8000 (required)
//   PAGE_HOST   the page's host name, e.g. app.test (required)
//   TOKEN       connection token (required)
//   CHANNEL     the channel the page subscribes to (required)
//   CHROMIUM    the browser executable (default /usr/bin/chromium)
//
// Output: one JSON object per line on stdout, always with "event" and "scope":"page":
//   {"event":"started","origin"}   the page is loaded
//   {"event":"connecting"|"connected"|"disconnected"|"error"|"subscribed"|"publication", ...}  the SDK's events
//   {"event":"pageerror","message"}, {"event":"requestfailed","url","error"}
// Stdin: "exit" (or end of input) closes the browser.
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const { NODE_URL, PAGE_HOST, TOKEN, CHANNEL } = process.env;
for (const [k, v] of Object.entries({ NODE_URL, PAGE_HOST, TOKEN, CHANNEL })) {
  if (!v) {
    process.stderr.write(k + ' is required\n');
    process.exit(2);
  }
}

function emit(obj) {
  process.stdout.write(JSON.stringify({ scope: 'page', ...obj }) + '\n');
}

// The SDK's browser build (its package exports no file path to resolve, so it is read where npm put it).
const here = path.dirname(fileURLToPath(import.meta.url));
const sdk = fs.readFileSync(path.join(here, 'node_modules', 'centrifuge', 'dist', 'centrifuge.js'));

// The page reports each SDK event as a console line starting with "rebound:" (forwarded below).
const pageHtml = `<!doctype html><html><head><meta charset="utf-8"><script src="/centrifuge.js"></script></head><body><script>
const report = (event, extra) => console.log('rebound:' + JSON.stringify({ event, ...extra }));
const c = new Centrifuge([{ transport: 'http_stream', endpoint: ${JSON.stringify(NODE_URL + '/connection/http_stream')} }], {
  token: ${JSON.stringify(TOKEN)}, emulationEndpoint: ${JSON.stringify(NODE_URL + '/emulation')}, minReconnectDelay: 200, maxReconnectDelay: 1000 });
c.on('connecting', (ctx) => report('connecting', { code: ctx.code, reason: ctx.reason }));
c.on('connected', (ctx) => report('connected', { client: ctx.client, transport: ctx.transport }));
c.on('disconnected', (ctx) => report('disconnected', { code: ctx.code, reason: ctx.reason }));
c.on('error', (ctx) => report('error', { type: ctx.type, message: String(ctx.error && ctx.error.message) }));
const sub = c.newSubscription(${JSON.stringify(CHANNEL)});
sub.on('subscribed', () => report('subscribed', { channel: ${JSON.stringify(CHANNEL)} }));
sub.on('publication', (ctx) => report('publication', { channel: ${JSON.stringify(CHANNEL)}, data: ctx.data }));
sub.subscribe();
c.connect();
</script></body></html>`;

const server = http.createServer((req, res) => {
  if (req.url === '/centrifuge.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript' });
    res.end(sdk);
  } else if (req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(pageHtml);
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://${PAGE_HOST}:${server.address().port}`;

// A fresh profile every run, and nothing that talks to the network on its own.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rebound-cors-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--user-data-dir=' + profile,
    `--host-resolver-rules=MAP ${PAGE_HOST} 127.0.0.1`],
});
const page = await browser.newPage();
page.on('pageerror', (e) => emit({ event: 'pageerror', message: e.message }));
page.on('requestfailed', (r) => emit({ event: 'requestfailed', url: r.url(), error: r.failure() && r.failure().errorText }));
page.on('console', (m) => {
  const text = m.text();
  if (text.startsWith('rebound:')) emit(JSON.parse(text.slice('rebound:'.length)));
});
await page.goto(origin + '/', { waitUntil: 'load' });
emit({ event: 'started', origin });

async function shutdown() {
  await browser.close().catch(() => {});
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
  process.exit(0);
}
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'exit') shutdown();
});
input.on('close', shutdown);
