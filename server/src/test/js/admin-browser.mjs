// Drives the admin web page in headless Chromium (puppeteer-core) for the Java tests (AdminBrowser),
// the way a person would: type, click, read what is on the screen.
//
// Configuration (environment):
//   ADMIN_URL   the page, e.g. http://127.0.0.1:<port>/ (required)
//   CHROMIUM    the browser executable (default /usr/bin/chromium)
//
// Output: one JSON object per line on stdout, always with "event" and "scope":"browser". Page errors
// are reported as {"event":"pageerror"}; a command that failed as {"event":"commandFailed"}.
//
// Commands (stdin, one per line, run one after the other):
//   open                 load the page; {"event":"opened","login":bool}
//   login <password>     type the password (the rest of the line) and submit; {"event":"login","ok":bool,"error":text}
//   logout               {"event":"loggedOut"}
//   nodes                the node table after the page's next update; {"event":"nodes","nodes":[{name,connections}],"total":n}
//   chart                the chart after the next update: legend totals, bar sums by series, detected events;
//                        {"event":"chart","totals":{},"bars":{},"events":[]}
//   channel <name>       open a channel by name; {"event":"channel","facts":{},"offsets":[],"info":text}
//   history <newest|older|newer>   {"event":"history","offsets":[],"info":text}
//   publish <json>       fill in the data and press Publish; {"event":"confirm","title","body"} (the dialog)
//   confirm | cancel     answer the publish dialog; after confirm {"event":"published","text","ok"}
//   disconnect <user> <reconnect|disconnect>   fill in and press Disconnect; {"event":"confirm",...}
//   confirmDisconnect    answer the disconnect dialog; {"event":"disconnected","text","ok"}
//   screenshot <path>    full-page PNG; {"event":"screenshot","path"}
//   exit
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const url = process.env.ADMIN_URL;
if (!url) {
  process.stderr.write('ADMIN_URL is required\n');
  process.exit(2);
}
const WAIT = { timeout: 15000 };

function emit(obj) {
  process.stdout.write(JSON.stringify({ scope: 'browser', ...obj }) + '\n');
}

// A fresh profile every run, and nothing that talks to the network on its own.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rebound-admin-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--user-data-dir=' + profile],
});
const page = await browser.newPage();
await page.setViewport({ width: 1400, height: 1000 });
page.on('pageerror', (e) => emit({ event: 'pageerror', message: e.message }));
page.on('requestfailed', (r) => emit({ event: 'requestfailed', url: r.url(), error: r.failure() && r.failure().errorText }));

const visible = (selector) => page.waitForSelector(selector, { visible: true, ...WAIT });
const text = (selector) => page.$eval(selector, (el) => el.textContent.trim());

/** Waits until the page has drawn fresh data from the node again (it polls every 2 s). */
async function nextUpdate() {
  const seen = await page.evaluate(() => Number(document.body.dataset.updates || 0));
  await page.waitForFunction((n) => Number(document.body.dataset.updates || 0) > n, WAIT, seen);
}

async function historyRows() {
  return page.$$eval('#history tbody tr', (rows) => rows.map((r) => Number(r.dataset.offset)));
}

const commands = {
  async open() {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => !document.getElementById('login').hidden || !document.getElementById('app').hidden, WAIT);
    emit({ event: 'opened', login: await page.$eval('#login', (el) => !el.hidden) });
  },
  async login(...words) {
    const password = words.join(' ');
    await visible('#password');
    await page.$eval('#password', (el) => { el.value = ''; });
    await page.$eval('#login-error', (el) => { el.textContent = ''; });
    await page.type('#password', password || '');
    await page.click('#login-button');
    await page.waitForFunction(() => !document.getElementById('app').hidden
      || document.getElementById('login-error').textContent.trim() !== '', WAIT);
    const ok = await page.$eval('#app', (el) => !el.hidden);
    emit({ event: 'login', ok, error: ok ? '' : await text('#login-error') });
  },
  async logout() {
    await page.click('#logout');
    await visible('#password');
    emit({ event: 'loggedOut' });
  },
  async nodes() {
    await nextUpdate();
    const nodes = await page.$$eval('#nodes tbody tr', (rows) => rows.map((r) => ({
      name: r.dataset.node,
      connections: Number(r.querySelector('td.connections').textContent.replace(/,/g, '')),
      ready: r.textContent.includes('ready') && !r.textContent.includes('not ready'),
    })));
    const total = Number((await text('#total-connections')).replace(/,/g, ''));
    emit({ event: 'nodes', nodes, total });
  },
  async chart() {
    await nextUpdate();
    const totals = await page.$$eval('#legend [data-series]', (items) => Object.fromEntries(items.map((i) => [i.dataset.series, Number(i.dataset.total)])));
    const bars = await page.$$eval('#chart rect[data-series]', (rects) => {
      const sums = {};
      for (const r of rects) sums[r.dataset.series] = (sums[r.dataset.series] || 0) + Number(r.dataset.v);
      return sums;
    });
    const events = await page.$$eval('#events .event', (list) => list.map((e) => ({
      kind: e.dataset.kind, closed: Number(e.dataset.closed), recovered: Number(e.dataset.recovered),
      refused: Number(e.dataset.refused), text: e.textContent,
    })));
    emit({ event: 'chart', totals, bars, events });
  },
  async channel(name) {
    await page.$eval('#open-channel', (el) => { el.value = ''; });
    await page.type('#open-channel', name);
    await page.click('#open-form button[type=submit]');
    await page.waitForFunction((n) => document.getElementById('channel-name').textContent === n
      && document.getElementById('fact-subscribers') !== null
      && document.getElementById('history-info').textContent !== '', WAIT, name);
    const facts = await page.$$eval('#channel-facts > div', (divs) => Object.fromEntries(divs.map((d) => [
      d.querySelector('dt').textContent, d.querySelector('dd').textContent])));
    emit({ event: 'channel', facts, offsets: await historyRows(), info: await text('#history-info') });
  },
  async history(where) {
    const before = await text('#history-info');
    const rowsBefore = JSON.stringify(await historyRows());
    await page.click('#history-' + where);
    await page.waitForFunction((b, r) => document.getElementById('history-info').textContent.trim() !== b
      || JSON.stringify([...document.querySelectorAll('#history tbody tr')].map((x) => Number(x.dataset.offset))) !== r,
    WAIT, before, rowsBefore).catch(() => { /* nothing changed: reported as is */ });
    emit({ event: 'history', offsets: await historyRows(), info: await text('#history-info') });
  },
  async publish(...json) {
    await page.$eval('#publish-data', (el, v) => { el.value = v; }, json.join(' '));
    await page.$eval('#publish-result', (el) => { el.textContent = ''; });
    await page.click('#publish-button');
    await visible('#confirm');
    emit({ event: 'confirm', title: await text('#confirm-title'), body: await text('#confirm-body') });
  },
  async confirm() {
    await page.click('#confirm-ok');
    await page.waitForFunction(() => document.getElementById('publish-result').textContent.trim() !== '', WAIT);
    emit({ event: 'published', text: await text('#publish-result'), ok: await page.$eval('#publish-result', (el) => el.className === 'ok') });
  },
  async disconnect(user, mode) {
    await page.$eval('#disconnect-user', (el, v) => { el.value = v; }, user);
    await page.select('#disconnect-mode', mode || 'reconnect');
    await page.$eval('#disconnect-result', (el) => { el.textContent = ''; });
    await page.click('#disconnect-button');
    await visible('#confirm');
    emit({ event: 'confirm', title: await text('#confirm-title'), body: await text('#confirm-body') });
  },
  async confirmDisconnect() {
    await page.click('#confirm-ok');
    await page.waitForFunction(() => document.getElementById('disconnect-result').textContent.trim() !== '', WAIT);
    emit({ event: 'disconnected', text: await text('#disconnect-result'), ok: await page.$eval('#disconnect-result', (el) => el.className === 'ok') });
  },
  async cancel() {
    await page.click('#confirm-cancel');
    emit({ event: 'cancelled' });
  },
  async screenshot(file) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: file, fullPage: true });
    emit({ event: 'screenshot', path: file });
  },
  async exit() {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(0);
  },
};

// Commands run strictly one after the other, in the order they arrive.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [name, ...args] = line.trim().split(/\s+/);
  if (!name) return;
  queue = queue.then(async () => {
    const command = commands[name];
    if (!command) { emit({ event: 'badCommand', line }); return; }
    try {
      await command(...args);
    } catch (e) {
      emit({ event: 'commandFailed', line, error: String(e && e.message ? e.message : e) });
    }
  });
}).on('close', () => commands.exit());

emit({ event: 'started', version: await browser.version() });
