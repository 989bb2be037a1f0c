import { EVENT_CATALOG, EVENT_TYPES, type EventType } from '@smart-dairy/schemas';
import { generateSecret } from '@smart-dairy/signing';
import { WebhookValidator, createNodeHandler, type VerifiedWebhook } from '@smart-dairy/webhook-consumer';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIo } from './buffer-io';
import { sendCommand } from '../src/commands/send.command';
import { verifyCommand } from '../src/commands/verify.command';
import { postDelivery } from '../src/send/post-delivery';
import { buildTestDelivery } from '../src/send/test-delivery';

const repoRoot = join(__dirname, '..', '..', '..');
const launcher = join(repoRoot, 'apps', 'cli', 'bin', 'smart-dairy-webhooks.cjs');
const secret = generateSecret();
const dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

interface Verified {
  readonly webhook: VerifiedWebhook;
  readonly headers: IncomingHttpHeaders;
}
interface Captured {
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

/**
 * A partner endpoint built on the consumer package at /webhooks, and at /capture one that only records
 * what arrived, byte for byte, for the verify command.
 */
function startReceiver(): Promise<{
  server: Server;
  url: string;
  verified: Verified[];
  captured: Captured[];
}> {
  const verified: Verified[] = [];
  const captured: Captured[] = [];
  const handle = createNodeHandler(new WebhookValidator({ secret }), (webhook, request) => {
    verified.push({ webhook, headers: request.headers });
  });
  const server = createServer((request, response) => {
    if (request.url === '/webhooks') return void handle(request, response);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      captured.push({ rawHeaders: request.rawHeaders, body: Buffer.concat(chunks) });
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, verified, captured });
    }),
  );
}

/** Runs a command line in a real process, as a partner would. */
function run(
  file: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: repoRoot, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
const cli = (...args: string[]) => run(process.execPath, [launcher, ...args]);

describe('the CLI against a receiver using @smart-dairy/webhook-consumer', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => {
    receiver.server.closeAllConnections();
    receiver.server.close();
  });
  beforeEach(() => {
    receiver.verified.length = 0;
    receiver.captured.length = 0;
  });

  it('sends every event type, and every one verifies', async () => {
    const outputs: string[] = [];
    for (const type of EVENT_TYPES) {
      const io = bufferIo();
      const code = await sendCommand.execute(
        ['--url', `${receiver.url}/webhooks`, '--secret', secret, '--event', type],
        io,
      );
      expect(code).toBe(0);
      outputs.push(io.stdout());
    }

    expect(receiver.verified).toHaveLength(EVENT_TYPES.length);
    receiver.verified.forEach(({ webhook, headers }, index) => {
      const type: EventType = EVENT_TYPES[index];
      expect(headers['x-event-type']).toBe(type);
      expect(headers['x-webhook-id']).toBe(webhook.envelope.id);
      expect(webhook.envelope).toEqual({
        id: expect.stringMatching(/^wh_[0-9a-f]{32}$/),
        event: type,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        webhook_id: 'wh_sub_test',
        attempt: 1,
        data: EVENT_CATALOG[type].sample,
      });
      expect(outputs[index]).toBe(
        [
          `POST ${receiver.url}/webhooks  ${type}  delivery ${webhook.envelope.id}  attempt 1`,
          'HTTP 200',
          '{"received":true}',
        ].join('\n'),
      );
    });
  });

  it('sends from a real process through the launcher, with data from a file and every option', async () => {
    const data = { ...EVENT_CATALOG['payment.completed'].sample, payment_id: 'PAY-CLI-1', channel: 'pos' };
    const result = await cli(
      'send',
      ...['--url', `${receiver.url}/webhooks`, '--secret', secret, '--event', 'payment.completed'],
      ...['--data', file('payment.json', JSON.stringify(data)), '--id', 'wh_cli_process_1'],
      ...['--subscription', 'wh_sub_partner_42', '--attempt', '3'],
    );

    expect(result).toEqual({
      code: 0,
      stdout: expect.stringContaining('HTTP 200\n{"received":true}\n'),
      stderr: '',
    });
    expect(receiver.verified).toHaveLength(1);
    expect(receiver.verified[0].headers['x-event-type']).toBe('payment.completed');
    expect(receiver.verified[0].webhook.envelope).toMatchObject({
      id: 'wh_cli_process_1',
      event: 'payment.completed',
      webhook_id: 'wh_sub_partner_42',
      attempt: 3,
      data,
    });
  });

  it('exits 1 and prints the status and reason when the endpoint refuses the delivery', async () => {
    const result = await cli(
      'send',
      ...['--url', `${receiver.url}/webhooks`, '--secret', generateSecret(), '--event', 'order.created'],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('HTTP 401\n{"reason":"signature_mismatch"');
    expect(receiver.verified).toEqual([]);
  });

  it('exits 1 when nothing answers at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const result = await cli(
      'send',
      '--url',
      `http://127.0.0.1:${port}/`,
      '--secret',
      secret,
      '--event',
      'user.updated',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^request failed: .*ECONNREFUSED/);
  });

  describe('the receiver refuses', () => {
    const delivery = (now?: Date) =>
      buildTestDelivery({
        event: 'order.cancelled',
        data: EVENT_CATALOG['order.cancelled'].sample,
        secret,
        now,
      });

    it('a tampered body', async () => {
      const { body, headers } = delivery();
      const tampered = Buffer.from(
        body.toString('utf8').replace('"refund_amount":21.6', '"refund_amount":99.9'),
      );
      expect(tampered.equals(body)).toBe(false);
      const response = await postDelivery(`${receiver.url}/webhooks`, { body: tampered, headers });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ reason: 'signature_mismatch' });
      expect(receiver.verified).toEqual([]);
    });

    it('a replayed delivery, the exact same request sent again', async () => {
      const signed = delivery();
      await expect(postDelivery(`${receiver.url}/webhooks`, signed)).resolves.toMatchObject({ status: 200 });
      const replay = await postDelivery(`${receiver.url}/webhooks`, signed);
      expect(replay.status).toBe(401);
      expect(JSON.parse(replay.body)).toMatchObject({ reason: 'replayed' });
      expect(receiver.verified).toHaveLength(1);
    });

    it('a delivery signed 301 seconds ago', async () => {
      const stale = delivery(new Date(Date.now() - 301_000));
      const response = await postDelivery(`${receiver.url}/webhooks`, stale);
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ reason: 'timestamp_too_old' });
      expect(receiver.verified).toEqual([]);
    });
  });

  it('verifies a captured delivery, in process and in a real process, and spots a tampered one', async () => {
    const sent = await cli(
      'send',
      '--url',
      `${receiver.url}/capture`,
      '--secret',
      secret,
      '--event',
      'inventory.low',
    );
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('HTTP 204');
    const [{ rawHeaders, body }] = receiver.captured;
    const lines = rawHeaders.flatMap((value, index) =>
      index % 2 === 0 ? [`${value}: ${rawHeaders[index + 1]}`] : [],
    );
    const headersFile = file('captured-headers.txt', ['POST /capture HTTP/1.1', ...lines].join('\n'));
    const bodyFile = file('captured-body.json', body);
    const deliveryId = JSON.parse(body.toString('utf8')).id;

    const io = bufferIo();
    const args = ['--secret', secret, '--headers', headersFile, '--body', bodyFile];
    await expect(verifyCommand.execute(args, io)).resolves.toBe(0);
    expect(io.stdout()).toMatch(new RegExp(`^valid: inventory\\.low delivery ${deliveryId}, signed at `));

    await expect(cli('verify', ...args)).resolves.toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^valid: /),
    });
    const tampered = file(
      'tampered-body.json',
      body.toString('utf8').replace('"quantity_available":38', '"quantity_available":0'),
    );
    await expect(cli('verify', ...args.slice(0, 4), '--body', tampered)).resolves.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^invalid: signature_mismatch: /),
    });
  });
});

describe('the command line', () => {
  it.each<[string, string[], number, RegExp]>([
    ['--help', ['--help'], 0, /^Usage: smart-dairy-webhooks <command> \[options\]\n/],
    [
      'a command --help',
      ['verify', '--help'],
      0,
      /^Usage: smart-dairy-webhooks verify --secret <secret> --headers <file> --body <file> \[--tolerance <seconds>\]\n/,
    ],
    ['events', ['events'], 0, /^order\.created +high +New order placed\n/],
  ])('prints to stdout for %s', async (_case, args, code, stdout) => {
    await expect(cli(...args)).resolves.toEqual({ code, stdout: expect.stringMatching(stdout), stderr: '' });
  });

  it.each<[string, string[], RegExp]>([
    ['no command', [], /^Usage: smart-dairy-webhooks <command>/],
    ['an unknown command', ['sned'], /^smart-dairy-webhooks: unknown command "sned"\n/],
    [
      'a missing option',
      ['send', '--event', 'order.created'],
      /^smart-dairy-webhooks send: missing --url, --secret\n/,
    ],
  ])('exits 2 with the usage on stderr for %s', async (_case, args, stderr) => {
    await expect(cli(...args)).resolves.toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(stderr),
    });
  });

  it('runs as `npx smart-dairy-webhooks` from the repository', async () => {
    const result = await run('npx', ['--no-install', 'smart-dairy-webhooks', 'events']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(EVENT_TYPES.length);
  });
});
