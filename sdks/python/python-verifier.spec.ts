import { sign, signStandardWebhook } from '@smart-dairy/signing';
import {
  VALIDATION_FAILURE_REASONS,
  WebhookValidator,
  type ValidationFailureReason,
} from '@smart-dairy/webhook-consumer';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the Python verifier's unittest suite against deliveries signed at test time by the platform's own
 * signer (libs/signing), each with what the TypeScript validator made of it, so the two cannot drift.
 */
const packageDir = __dirname;
const NOW = 1772435700;
const TOLERANCE = 300;
const standardSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const current = standardSecret();
const previous = standardSecret();
const stranger = standardSecret();

const envelope = (attempt = 1) => ({
  id: `wh_${randomBytes(16).toString('hex')}`,
  event: 'order.created',
  timestamp: '2026-03-02T07:15:00.000Z',
  webhook_id: 'wh_sub_vectors',
  attempt,
  data: { order_id: 'ORD-2026-004821', customer: 'Müller Dairy ☕', total: 13.28 },
});
type Envelope = ReturnType<typeof envelope>;

type Scheme = 'smart-dairy' | 'standard-webhooks';
interface Request {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function signed(scheme: Scheme, secrets: string[], body: Envelope | Buffer, timestamp = NOW): Request {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body), 'utf8');
  const id = Buffer.isBuffer(body) ? 'wh_not_an_envelope' : body.id;
  if (scheme === 'standard-webhooks') {
    return {
      body: bytes,
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(secrets, { id, timestamp, body: bytes }),
        'content-type': 'application/json',
      },
    };
  }
  return {
    body: bytes,
    headers: {
      'X-Webhook-ID': id,
      'X-Event-Type': 'order.created',
      'X-Webhook-Timestamp': String(timestamp),
      'X-Webhook-Signature': sign(secrets[0], timestamp, bytes),
    },
  };
}

const tampered = ({ headers, body }: Request): Request => ({
  headers,
  body: Buffer.from(body.toString('utf8').replace('13.28', '1.28'), 'utf8'),
});

type Intended = 'valid' | ValidationFailureReason;
interface Case {
  readonly name: string;
  /** What the verifier holds: the new secret first during a rotation. */
  readonly secrets: string[];
  readonly requests: Request[];
  readonly intended: Intended[];
}

function casesFor(scheme: Scheme): Case[] {
  const one = envelope();
  const rotating = signed(
    scheme,
    scheme === 'standard-webhooks' ? [current, previous] : [previous],
    envelope(),
  );
  const replayed = signed(scheme, [current], envelope());
  const cases: Omit<Case, 'name'>[] = [
    { secrets: [current], requests: [signed(scheme, [current], one)], intended: ['valid'] },
    {
      secrets: [current],
      requests: [tampered(signed(scheme, [current], envelope()))],
      intended: ['signature_mismatch'],
    },
    {
      secrets: [stranger],
      requests: [signed(scheme, [current], envelope())],
      intended: ['signature_mismatch'],
    },
    {
      secrets: [current],
      requests: [signed(scheme, [current], envelope(), NOW - TOLERANCE - 1)],
      intended: ['timestamp_too_old'],
    },
    {
      secrets: [current],
      requests: [signed(scheme, [current], envelope(), NOW + TOLERANCE + 1)],
      intended: ['timestamp_too_new'],
    },
    {
      secrets: [current],
      requests: [signed(scheme, [current], envelope(), NOW - TOLERANCE)],
      intended: ['valid'],
    },
    { secrets: [current], requests: [replayed, replayed], intended: ['valid', 'replayed'] },
    {
      secrets: [current],
      requests: [signed(scheme, [current], one), signed(scheme, [current], { ...one, attempt: 2 })],
      intended: ['valid', 'valid'],
    },
    { secrets: [current, previous], requests: [rotating], intended: ['valid'] },
    { secrets: [previous], requests: [rotating], intended: ['valid'] },
    {
      secrets: [current],
      requests: [signed(scheme, [current], Buffer.from('{"not":"an envelope"}'))],
      intended: ['invalid_body'],
    },
    {
      secrets: [current],
      requests: [withHeader(signed(scheme, [current], envelope()), /timestamp/i, 'soon')],
      intended: ['invalid_timestamp'],
    },
    {
      secrets: [current],
      requests: [withHeader(signed(scheme, [current], envelope()), /-id$/i, '')],
      intended: ['missing_headers'],
    },
  ];
  const names = [
    'valid',
    'tampered body',
    'wrong secret',
    'too old',
    'too new',
    'exactly at the tolerance',
    'replayed id',
    'a retry (next attempt)',
    'rotation, verifier holding both secrets',
    'rotation, verifier holding only the old secret',
    'signed body that is not an envelope',
    'timestamp not in seconds',
    'no delivery id',
  ];
  return cases.map((c, index) => ({ name: `${scheme}: ${names[index]}`, ...c }));
}

function withHeader({ headers, body }: Request, name: RegExp, value: string): Request {
  const key = Object.keys(headers).find((candidate) => name.test(candidate))!;
  return { body, headers: { ...headers, [key]: value } };
}

async function typescriptOutcomes({ secrets, requests }: Case) {
  const validator = new WebhookValidator({
    secrets,
    toleranceSeconds: TOLERANCE,
    now: () => new Date(NOW * 1000),
  });
  const outcomes = [];
  for (const { headers, body } of requests) {
    const result = await validator.validate(headers, body);
    outcomes.push(
      result.valid
        ? {
            valid: true,
            delivery_id: result.deliveryId,
            event_type: result.eventType,
            timestamp: result.timestamp,
          }
        : { valid: false, reason: result.reason },
    );
  }
  return outcomes;
}

function runPython(vectorsFile: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'python3',
      ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'],
      {
        cwd: packageDir,
        timeout: 30_000,
        env: { ...process.env, PYTHONPATH: join(packageDir, 'src'), SMART_DAIRY_TEST_VECTORS: vectorsFile },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the Python verifier (sdks/python)', () => {
  const cases = [...casesFor('smart-dairy'), ...casesFor('standard-webhooks')];

  it.each(cases.map((c) => [c.name, c] as const))(
    'the TypeScript validator gives the intended outcome for %s',
    async (_name, c) => {
      const outcomes = await typescriptOutcomes(c);
      expect(outcomes.map((o) => (o.valid ? 'valid' : o.reason))).toEqual(c.intended);
    },
  );

  it('passes its unittest suite, which gives the same outcome as TypeScript for every vector', async () => {
    const vectors = {
      reasons: VALIDATION_FAILURE_REASONS,
      cases: await Promise.all(
        cases.map(async (c) => ({
          name: c.name,
          secrets: c.secrets,
          tolerance_seconds: TOLERANCE,
          now: NOW,
          requests: c.requests.map(({ headers, body }) => ({
            headers,
            body_base64: body.toString('base64'),
          })),
          expected: await typescriptOutcomes(c),
        })),
      ),
    };
    const file = join(mkdtempSync(join(tmpdir(), 'python-vectors-')), 'vectors.json');
    writeFileSync(file, JSON.stringify(vectors));

    const { code, output } = await runPython(file);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/\nOK\n$/) });
    expect(output).not.toMatch(/skipped/);
    expect(output).toContain('test_every_vector_gives_what_the_typescript_validator_gave');
  });
});
