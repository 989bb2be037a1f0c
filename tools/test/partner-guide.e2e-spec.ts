import {
  DELIVERY_CONTENT_TYPE,
  DELIVERY_USER_AGENT,
  EVENT_TYPES,
  WEBHOOK_API_VERSION,
  signedDeliveryHeaders,
} from '@smart-dairy/schemas';
import { sign, signStandardWebhook } from '@smart-dairy/signing';
import { repoRoot } from '@smart-dairy/stack';
import { runProcess } from '@smart-dairy/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

/**
 * Runs every code sample of docs/partners.md. Each fenced block is tagged `sample=<name>` and has a runner
 * here; a block without a tag, or a tag without a runner, fails the test. The samples are fed deliveries
 * signed now by libs/signing: a genuine one, a tampered copy, a stale one, a Standard Webhooks one and a
 * replay, and must answer each with the reason the packages use.
 *
 * FastAPI and Flask cannot be installed here (no Python package index), so their samples run against
 * minimal stand-ins for the few names they import (routing decorator, request, response, background
 * tasks): what is tested is the sample's own code, its verification call and what it answers.
 */
const guide = readFileSync(join(repoRoot, 'docs', 'partners.md'), 'utf8');
const samples = new Map<string, string>();
const untagged: string[] = [];
for (const [, info, code] of guide.matchAll(/^```(.*)\n([\s\S]*?)^```$/gm)) {
  const name = /\bsample=([\w-]+)/.exec(info)?.[1];
  if (name === undefined) untagged.push(info);
  else samples.set(name, code);
}
const sample = (name: string) => {
  const code = samples.get(name);
  if (code === undefined) throw new Error(`docs/partners.md has no sample=${name}`);
  return code;
};

const work = mkdtempSync(join(tmpdir(), 'partner-guide-'));
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);

interface Delivery {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function envelopeBody(id = `wh_${randomBytes(16).toString('hex')}`): Buffer {
  const envelope = {
    id,
    event: 'order.created',
    timestamp: new Date().toISOString(),
    webhook_id: 'wh_sub_guide',
    attempt: 1,
    data: { order_id: 'ORD-2026-004821', customer: 'Müller Dairy ☕', total: 13.28 },
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}
const idOf = (body: Buffer): string => JSON.parse(body.toString('utf8')).id;

function platformDelivery(body = envelopeBody(), timestamp = now()): Delivery {
  return {
    body,
    headers: {
      'Content-Type': DELIVERY_CONTENT_TYPE,
      'X-Webhook-ID': idOf(body),
      'X-Event-Type': 'order.created',
      'X-Webhook-Timestamp': String(timestamp),
      'X-Webhook-Signature': sign(secret, timestamp, body),
    },
  };
}

function standardDelivery(body = envelopeBody()): Delivery {
  const timestamp = now();
  const id = idOf(body);
  return {
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook([secret], { id, timestamp, body }),
    },
  };
}

const genuine = platformDelivery();
const tampered: Delivery = {
  headers: genuine.headers,
  body: Buffer.from(genuine.body.toString('utf8').replace('13.28', '1.28')),
};
const stale = platformDelivery(envelopeBody(), now() - 301);
const standard = standardDelivery();
/** genuine, tampered, stale, Standard Webhooks, genuine again (a replay). */
const deliveries = [genuine, tampered, stale, standard, genuine];
const answers = [
  [200, { received: idOf(genuine.body) }],
  [401, { reason: 'signature_mismatch' }],
  [401, { reason: 'timestamp_too_old' }],
  [200, { received: idOf(standard.body) }],
  [401, { reason: 'replayed' }],
];

const run = (
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) => runProcess(file, args, { cwd: work, timeoutMs: 30_000, ...options });

const casesFile = join(work, 'cases.json');
writeFileSync(
  casesFile,
  JSON.stringify(deliveries.map(({ headers, body }) => ({ headers, body_base64: body.toString('base64') }))),
);

const PYTHON_STAND_INS: Record<string, string> = {
  'stand_in_router.py': `
class Router:
    def __init__(self, *_args):
        self.routes = {}

    def post(self, path):
        def register(handler):
            self.routes[path] = handler
            return handler
        return register
`,
  'fastapi/__init__.py': `
from stand_in_router import Router as FastAPI


class Request:
    def __init__(self, headers, body):
        self.headers = headers
        self._body = body

    async def body(self):
        return self._body


class BackgroundTasks:
    def __init__(self):
        self.tasks = []

    def add_task(self, function, *args):
        self.tasks.append((function, args))

    def run(self):
        for function, args in self.tasks:
            function(*args)
`,
  'fastapi/responses.py': `
class JSONResponse:
    def __init__(self, content, status_code=200):
        self.content = content
        self.status_code = status_code
`,
  'flask/__init__.py': `
class _Request:
    headers = {}
    data = b""

    def get_data(self):
        return self.data


request = _Request()

from stand_in_router import Router as Flask
`,
};

/** Feeds every delivery to the sample, in order, and prints what it answered (and what it handed on). */
const PYTHON_HARNESSES: Record<string, string> = {
  python: `
answers = [list(sample.receive(headers, body)) for headers, body in deliveries]
print(json.dumps({"answers": answers}))
`,
  fastapi: `
import asyncio
from fastapi import BackgroundTasks, Request
route = sample.app.routes["/webhooks/smart-dairy"]
answers = []
for headers, body in deliveries:
    tasks = BackgroundTasks()
    response = asyncio.run(route(Request(headers, body), tasks))
    tasks.run()
    answers.append([response.status_code, response.content])
print(json.dumps({"answers": answers, "handed_on": sample.handled}))
`,
  flask: `
from flask import request
route = sample.app.routes["/webhooks/smart-dairy"]
answers = []
for headers, body in deliveries:
    request.headers, request.data = headers, body
    content, status = route()
    answers.append([status, content])
print(json.dumps({"answers": answers, "handed_on": [sample.jobs.get_nowait()["id"] for _ in range(sample.jobs.qsize())]}))
`,
};

async function runPythonSample(name: string) {
  const dir = join(work, `python-${name}`);
  for (const [path, code] of Object.entries(PYTHON_STAND_INS)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), code);
  }
  writeFileSync(join(dir, 'sample.py'), sample(name));
  writeFileSync(
    join(dir, 'harness.py'),
    [
      'import base64, json, os',
      'import sample',
      'cases = json.load(open(os.environ["CASES"]))',
      'deliveries = [(case["headers"], base64.b64decode(case["body_base64"])) for case in cases]',
      PYTHON_HARNESSES[name],
    ].join('\n'),
  );
  const result = await run('python3', ['harness.py'], {
    cwd: dir,
    env: {
      CASES: casesFile,
      SMART_DAIRY_WEBHOOK_SECRET: secret,
      PYTHONPATH: [dir, join(repoRoot, 'sdks', 'python', 'src')].join(':'),
    },
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout);
}

const runners: Record<string, () => Promise<void>> = {
  async envelope() {
    const envelope = JSON.parse(sample('envelope'));
    expect(Object.keys(envelope)).toEqual(Object.keys(JSON.parse(genuine.body.toString('utf8'))));
    expect(EVENT_TYPES).toContain(envelope.event);
  },

  async 'standard-webhooks'() {
    const [requestLine, ...lines] = sample('standard-webhooks').trimEnd().split('\n');
    expect(requestLine).toMatch(/^POST \S+ HTTP\/1\.1$/);
    const headers = Object.fromEntries(lines.map((line) => line.split(': ') as [string, string]));
    const body = Buffer.from(sample('envelope').replace(/\n$/, ''), 'utf8');
    const envelope = JSON.parse(body.toString('utf8'));
    expect(headers).toEqual(
      signedDeliveryHeaders({
        scheme: 'standard-webhooks',
        secrets: ['whsec_c21hcnQtZGFpcnktZG9jcy1leGFtcGxlLXNlY3JldCE='],
        deliveryId: envelope.id,
        eventType: envelope.event,
        timestamp: Number(headers['webhook-timestamp']),
        body,
      }),
    );
  },

  async headers() {
    const [requestLine, ...lines] = sample('headers').trimEnd().split('\n');
    expect(requestLine).toMatch(/^POST \S+ HTTP\/1\.1$/);
    const headers = Object.fromEntries(lines.map((line) => line.split(': ') as [string, string]));
    const body = Buffer.from(sample('envelope').replace(/\n$/, ''), 'utf8');
    const envelope = JSON.parse(body.toString('utf8'));
    const timestamp = Number(headers['X-Webhook-Timestamp']);
    expect(headers).toEqual({
      'Content-Type': DELIVERY_CONTENT_TYPE,
      'User-Agent': DELIVERY_USER_AGENT,
      'X-Webhook-ID': envelope.id,
      'X-Event-Type': envelope.event,
      'X-Webhook-Timestamp': String(timestamp),
      'X-Webhook-Signature': sign('whsec_docs_example', timestamp, body),
      'X-Webhook-Version': WEBHOOK_API_VERSION,
    });
  },

  async typescript() {
    const file = join(work, 'typescript-sample.ts');
    writeFileSync(file, sample('typescript'));
    process.env.SMART_DAIRY_WEBHOOK_SECRET = secret;
    // Loaded through Jest, which maps @smart-dairy/webhook-consumer to its source.
    const { receive } = jest.requireActual<{
      receive: (headers: Record<string, string>, body: Buffer) => Promise<{ status: number; body: unknown }>;
    }>(file);
    const got = [];
    for (const { headers, body } of deliveries) got.push(await receive(headers, body));
    expect(got.map(({ status, body }) => [status, body])).toEqual(answers);
  },

  async python() {
    await expect(runPythonSample('python')).resolves.toEqual({ answers });
  },

  async fastapi() {
    const handedOn = [idOf(genuine.body), idOf(standard.body)];
    await expect(runPythonSample('fastapi')).resolves.toEqual({ answers, handed_on: handedOn });
  },

  async flask() {
    const handedOn = [idOf(genuine.body), idOf(standard.body)];
    await expect(runPythonSample('flask')).resolves.toEqual({ answers, handed_on: handedOn });
  },

  async java() {
    const code = sample('java');
    const imports = code.match(/^import .*;$/gm) ?? [];
    const harness = `class Harness {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 5) {
            byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[i + 3]));
            System.out.println(SmartDairySignature.check(args[i], args[i + 1], args[i + 2], body, Long.parseLong(args[i + 4])));
        }
    }
}`;
    const file = join(work, 'Harness.java');
    writeFileSync(file, [...imports, harness, code.replace(/^import .*;$/gm, '')].join('\n'));
    const args = [genuine, tampered, stale].flatMap(({ headers, body }, index) => {
      const bodyFile = join(work, `java-body-${index}`);
      writeFileSync(bodyFile, body);
      return [
        secret,
        headers['X-Webhook-Timestamp'],
        headers['X-Webhook-Signature'],
        bodyFile,
        String(now()),
      ];
    });
    const result = await run('java', [file, ...args]);
    expect(result).toEqual({ code: 0, stdout: 'null\nsignature_mismatch\ntimestamp_too_old\n', stderr: '' });
  },

  async openssl() {
    const outputs = await Promise.all(
      [genuine, tampered, stale].map(async ({ headers, body }, index) => {
        const dir = join(work, `openssl-${index}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'body.json'), body);
        const env = {
          SECRET: secret,
          TIMESTAMP: headers['X-Webhook-Timestamp'],
          SIGNATURE: headers['X-Webhook-Signature'],
        };
        return run('bash', ['-euc', sample('openssl')], { cwd: dir, env });
      }),
    );
    expect(outputs.map(({ stdout }) => stdout)).toEqual([
      'valid\n',
      'invalid: signature_mismatch\n',
      'invalid: timestamp_too_old\n',
    ]);
  },

  async cli() {
    const captured = join(work, 'captured');
    mkdirSync(captured);
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const lines = [];
        for (let i = 0; i < request.rawHeaders.length; i += 2) {
          lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
        }
        writeFileSync(join(captured, 'headers.txt'), lines.join('\n'));
        writeFileSync(join(captured, 'body.json'), Buffer.concat(chunks));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/smart-dairy`;
      const result = await run('bash', ['-euc', sample('cli')], {
        cwd: repoRoot,
        env: { WEBHOOK_URL: url, WEBHOOK_SECRET: secret, CAPTURED: captured },
      });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const id = JSON.parse(readFileSync(join(captured, 'body.json'), 'utf8')).id;
      expect(result.stdout).toContain('HTTP 200\n{"received":true}\n');
      expect(result.stdout).toContain(`valid: order.created delivery ${id}, signed at `);
    } finally {
      server.close();
    }
  },
};

describe('docs/partners.md', () => {
  it('tags every code block as a sample, and every sample has a runner here', () => {
    expect(untagged).toEqual([]);
    expect([...samples.keys()].sort()).toEqual(Object.keys(runners).sort());
  });

  // Concurrent: the Java compiler and the CLI's two npx runs take most of the time, and wait on processes.
  it.concurrent.each(Object.keys(runners))(
    'sample=%s runs and gives the documented answers',
    async (name) => {
      await runners[name]();
    },
  );
});
