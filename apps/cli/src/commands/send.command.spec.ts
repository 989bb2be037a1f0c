import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bufferIo } from '../../test/buffer-io';
import { EXIT_USAGE } from '../command';
import { sendCommand } from './send.command';

const dir = mkdtempSync(join(tmpdir(), 'cli-send-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const required = ['--url', 'http://127.0.0.1:9/hooks', '--secret', 'whsec_x', '--event', 'order.created'];

// Each case fails before anything is sent: the URL points at the discard port, which nothing answers.
describe('send, refusing what it cannot send', () => {
  it.each<[string, string[], string | RegExp]>([
    ['a missing option', ['--url', 'http://127.0.0.1:9/', '--secret', 's'], 'missing --event'],
    [
      'an unknown event type',
      [...required, '--event', 'order.shipped'],
      'unknown event type "order.shipped"',
    ],
    [
      'a URL that is not http(s)',
      [...required, '--url', 'ftp://x/'],
      '--url must be an http:// or https:// URL',
    ],
    ['an attempt of 0', [...required, '--attempt', '0'], '--attempt must be a whole number of at least 1'],
    [
      'an unknown scheme',
      [...required, '--scheme', 'svix'],
      '--scheme must be one of smart-dairy, standard-webhooks, got "svix"',
    ],
    [
      'a Standard Webhooks delivery with a secret that is not standard base64',
      [...required, '--scheme', 'standard-webhooks'],
      '--secret is not a Standard Webhooks secret',
    ],
    [
      'a data file that does not exist',
      [...required, '--data', join(dir, 'missing.json')],
      /cannot read the --data file: .*ENOENT/,
    ],
    [
      'data that does not match the schema, listing every problem',
      [...required, '--data', file('bad.json', JSON.stringify({ order_id: 'ORD-1', total: 'free' }))],
      /bad\.json is not valid order\.created data:\n {2}data\.customer_id: .*\n(.*\n)* {2}data\.total: /,
    ],
    [
      'data that is not JSON',
      [...required, '--data', file('broken.json', '{')],
      /broken\.json is not valid order\.created data:\n {2}\(data\): not valid JSON/,
    ],
  ])('exits 2 on %s', async (_case, args, message) => {
    const io = bufferIo();
    await expect(sendCommand.execute(args, io)).resolves.toBe(EXIT_USAGE);
    expect(io.stderr()).toMatch(message);
    expect(io.stdout()).toBe('');
  });
});
