import { createHash } from 'node:crypto';
import { generateApiKey, hashApiKey } from './api-key';

describe('generateApiKey', () => {
  it('is sdk_ followed by the URL-safe base64 of 32 bytes', () => {
    const { key } = generateApiKey();
    expect(key).toMatch(/^sdk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice('sdk_'.length), 'base64url')).toHaveLength(32);
  });

  it('shows the first 12 characters as the prefix and stores only the sha256 of the key', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(prefix).toBe(key.slice(0, 12));
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hash).not.toContain(key.slice(4));
  });

  it('draws fresh randomness for every key', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey().key);
    expect(new Set(keys).size).toBe(keys.length);
    // 200 × 32 random bytes: every byte value should turn up (the chance that one does not is about 1e-11).
    const bytes = new Set(keys.flatMap((key) => [...Buffer.from(key.slice(4), 'base64url')]));
    expect(bytes.size).toBe(256);
  });
});

describe('hashApiKey', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('is the sha256 hex of %j', (key, hash) => {
    expect(hashApiKey(key)).toBe(hash);
  });
});
