import { EVENT_CATALOG } from '@smart-dairy/schemas';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIo } from '../../test/buffer-io';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../command';
import { buildTestDelivery } from '../send/test-delivery';
import { verifyCommand } from './verify.command';

const secret = 'whsec_cli_verify';
const dir = mkdtempSync(join(tmpdir(), 'cli-verify-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

function captured(signedSecondsAgo = 0) {
  const now = new Date(Date.now() - signedSecondsAgo * 1000);
  const delivery = buildTestDelivery({
    event: 'payment.refunded',
    data: EVENT_CATALOG['payment.refunded'].sample,
    secret,
    now,
  });
  const lines = Object.entries(delivery.headers).map(([name, value]) => `${name}: ${value}`);
  return {
    delivery,
    body: file(`${delivery.envelope.id}.body`, delivery.body),
    lines: file(`${delivery.envelope.id}.txt`, ['POST /hooks HTTP/1.1', ...lines].join('\r\n')),
    json: file(`${delivery.envelope.id}.json`, JSON.stringify(delivery.headers)),
  };
}

describe('verify', () => {
  it.each(['lines', 'json'] as const)(
    'prints valid for an untouched delivery, headers as %s',
    async (format) => {
      const capture = captured();
      const io = bufferIo();
      const code = await verifyCommand.execute(
        ['--secret', secret, '--headers', capture[format], '--body', capture.body],
        io,
      );
      expect(io.stdout()).toMatch(
        new RegExp(
          `^valid: payment\\.refunded delivery ${capture.delivery.envelope.id}, signed at \\d{4}-.*Z$`,
        ),
      );
      expect(code).toBe(EXIT_OK);
    },
  );

  it.each<[string, number, () => string[], string]>([
    ['another secret', 0, () => ['--secret', 'whsec_other'], 'invalid: signature_mismatch: '],
    [
      'a changed body',
      0,
      () => ['--body', file('changed.body', '{"id":"x"}')],
      'invalid: signature_mismatch: ',
    ],
    ['a delivery signed 10 minutes ago', 600, () => [], 'invalid: timestamp_too_old: signed 60'],
  ])('prints invalid with the reason for %s', async (_case, signedSecondsAgo, change, output) => {
    const capture = captured(signedSecondsAgo);
    const io = bufferIo();
    const args = ['--secret', secret, '--headers', capture.lines, '--body', capture.body, ...change()];
    await expect(verifyCommand.execute(args, io)).resolves.toBe(EXIT_FAILED);
    expect(io.stdout()).toContain(output);
  });

  it('accepts an old delivery when --tolerance covers it', async () => {
    const capture = captured(600);
    const io = bufferIo();
    const args = [
      '--secret',
      secret,
      '--headers',
      capture.lines,
      '--body',
      capture.body,
      '--tolerance',
      '700',
    ];
    await expect(verifyCommand.execute(args, io)).resolves.toBe(EXIT_OK);
  });

  it.each<[string, string[], RegExp]>([
    ['an unreadable headers file', ['--headers', join(dir, 'none.txt')], /cannot read the --headers file/],
    [
      'a headers file that is not headers',
      ['--headers', file('bad.txt', 'hello')],
      /bad\.txt: line 1 is not "Name: value"/,
    ],
    ['a negative tolerance', ['--tolerance=-5'], /--tolerance must be a whole number of at least 0/],
  ])('exits 2 on %s', async (_case, change, message) => {
    const capture = captured();
    const io = bufferIo();
    const args = ['--secret', secret, '--headers', capture.lines, '--body', capture.body, ...change];
    await expect(verifyCommand.execute(args, io)).resolves.toBe(EXIT_USAGE);
    expect(io.stderr()).toMatch(message);
  });
});
