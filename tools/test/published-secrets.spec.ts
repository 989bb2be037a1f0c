import { publishedAdminKey, publishedKeyRingKey } from '@smart-dairy/config';
import { repoRoot } from '@smart-dairy/stack';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whatever this repository shows as a key ring entry or an admin key is public, so production
 * must refuse it: any such literal in a file of the repository (committed or about to be) has to be
 * on libs/config's list. Keys generated at run time never appear here.
 */
const KEY_RING_ENTRY = /\b([A-Za-z0-9_-]+):([A-Za-z0-9+/]{43}=)/g;
const ADMIN_KEY = /ADMIN_API_KEY["']?\s*[:=]\s*["']?([A-Za-z0-9_+/=.-]{32,})/g;

function trackedTexts(): [string, string][] {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && !file.endsWith('package-lock.json'));
  return files
    .map((file): [string, string] => [file, readFileSync(join(repoRoot, file)).toString('utf8')])
    .filter(([, text]) => !text.includes('\0'));
}

describe('secrets published in this repository', () => {
  const texts = trackedTexts();

  it('every key ring key written in a tracked file is one production refuses', () => {
    const found = texts.flatMap(([file, text]) =>
      [...text.matchAll(KEY_RING_ENTRY)]
        .filter(([, , key]) => Buffer.from(key!, 'base64').length === 32)
        .map(([entry, , key]) => ({
          file,
          entry,
          refused: publishedKeyRingKey(Buffer.from(key!, 'base64')),
        })),
    );
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((f) => f.refused === undefined)).toEqual([]);
  });

  it('every admin key written in a tracked file is one production refuses', () => {
    const found = texts.flatMap(([file, text]) =>
      [...text.matchAll(ADMIN_KEY)].map(([, key]) => ({ file, key, refused: publishedAdminKey(key!) })),
    );
    expect(found.filter((f) => f.refused === undefined)).toEqual([]);
  });
});
