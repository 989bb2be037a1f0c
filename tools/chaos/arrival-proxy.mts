// A forwarder in a process of its own, in front of one endpoint of the chaos receiver: `node
// arrival-proxy.mts <target origin>`. It prints `listening <port>`, then `<epoch ms> <X-Webhook-ID>` as
// each request's headers arrive, and passes the request and its answer through unchanged. The receiver
// shares the test's process with the load and the ledger, whose pauses bunch the times it takes; this
// process does nothing else, so its times are when the requests reached the partner.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const target = new URL(process.argv[2] ?? '');
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  process.stdout.write(`${Date.now()} ${String(req.headers['x-webhook-id'] ?? '')}\n`);
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      path: req.url,
      method: req.method,
      headers: req.headers,
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    process.stderr.write(`arrival proxy: ${error.message}\n`);
    res.destroy(error);
  });
  req.pipe(upstream);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
