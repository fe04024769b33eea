// Forwards connections made to a Unix domain socket to a TCP port on 127.0.0.1, for tests whose broker nodes run in
// network namespaces of their own (NetworkLab): started inside a node's namespace, it lets the test, outside, reach the
// node's HTTP/WebSocket port through the file system, without any address outside the namespaces the test created.
//
// Usage: node uds-bridge.mjs <socket path> <tcp port>   (prints "listening" once the socket accepts connections)
import net from 'node:net';
import fs from 'node:fs';

const [path, port] = process.argv.slice(2);
if (!path || !port) {
  process.stderr.write('usage: node uds-bridge.mjs <socket path> <tcp port>\n');
  process.exit(2);
}
try { fs.unlinkSync(path); } catch { /* not there */ }

net.createServer((outside) => {
  const node = net.connect(Number(port), '127.0.0.1');
  outside.pipe(node);
  node.pipe(outside);
  const close = () => { outside.destroy(); node.destroy(); };
  outside.on('error', close).on('close', close);
  node.on('error', close).on('close', close);
}).listen(path, () => process.stdout.write('listening\n'));

process.stdin.on('close', () => process.exit(0)); // the test went away
process.stdin.resume();
