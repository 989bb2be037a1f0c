import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bound to its subscription and slot through AES-GCM associated data. */
const FORMAT = 'v2';
/** Written before secrets were bound; only `reencrypt` opens it, to bind it where it is found. */
const UNBOUND_FORMAT = 'v1';

/**
 * Where a secret is stored: its ciphertext opens only there. A custom header's value is bound to its
 * header's name, lowercase (`header:x-api-key`).
 */
export interface SecretBinding {
  readonly subscriptionId: string;
  readonly slot: 'current' | 'previous' | `header:${string}`;
}

export class SecretCipherError extends Error {
  override name = 'SecretCipherError';
}

/**
 * Encrypts signing secrets at rest with AES-256-GCM. The key ring is ordered: the first key
 * encrypts, every key decrypts, so keys rotate by putting a new one first and re-encrypting at
 * leisure (`reencrypt`). Ciphertext: `v2.<key id>.<iv>.<tag>.<data>`, all base64url, authenticated
 * together with the subscription id and slot, so a ciphertext copied to another subscription or from
 * `previous` to `current` fails to decrypt.
 */
export class SecretCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly currentKeyId: string;

  constructor(keyRing: readonly { id: string; key: Buffer }[]) {
    const first = keyRing[0];
    if (!first) throw new SecretCipherError('the key ring is empty');
    for (const { id, key } of keyRing) {
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new SecretCipherError(`key id "${id}" must be [A-Za-z0-9_-]+`);
      if (key.length !== 32) throw new SecretCipherError(`key "${id}" must be 32 bytes, got ${key.length}`);
    }
    this.keys = new Map(keyRing.map(({ id, key }) => [id, key]));
    if (this.keys.size !== keyRing.length) throw new SecretCipherError('key ids must be unique');
    this.currentKeyId = first.id;
  }

  /** Parses `id1:<base64 32 bytes>,id2:<...>` as found in SECRET_ENCRYPTION_KEYS. */
  static fromKeyRing(text: string): SecretCipher {
    const entries = text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const separator = entry.indexOf(':');
        if (separator < 1) throw new SecretCipherError('each key must be written as <id>:<base64 key>');
        return { id: entry.slice(0, separator), key: Buffer.from(entry.slice(separator + 1), 'base64') };
      });
    return new SecretCipher(entries);
  }

  encrypt(plaintext: string, binding: SecretBinding): string {
    const key = this.keys.get(this.currentKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(associatedData(binding));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return [FORMAT, this.currentKeyId, ...parts].join('.');
  }

  decrypt(ciphertext: string, binding: SecretBinding): string {
    return this.open(ciphertext, FORMAT, associatedData(binding));
  }

  /**
   * The same secret sealed with the current key and bound to `binding`. Also opens an unbound (v1)
   * ciphertext, which is how those written before binding existed are migrated.
   */
  reencrypt(ciphertext: string, binding: SecretBinding): string {
    const plaintext = ciphertext.startsWith(`${UNBOUND_FORMAT}.`)
      ? this.open(ciphertext, UNBOUND_FORMAT, undefined)
      : this.decrypt(ciphertext, binding);
    return this.encrypt(plaintext, binding);
  }

  /** True unless the ciphertext is bound and made with the current key. */
  needsReencryption(ciphertext: string): boolean {
    return !ciphertext.startsWith(`${FORMAT}.${this.currentKeyId}.`);
  }

  private open(ciphertext: string, expectedFormat: string, aad: Buffer | undefined): string {
    const [format, keyId, iv, tag, data, ...rest] = ciphertext.split('.');
    if (
      format !== expectedFormat ||
      !keyId ||
      iv === undefined ||
      tag === undefined ||
      data === undefined ||
      rest.length
    ) {
      throw new SecretCipherError('not a secret ciphertext');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new SecretCipherError(`no key "${keyId}" in the key ring`);
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
    if (aad) decipher.setAAD(aad);
    const authTag = Buffer.from(tag, 'base64url');
    if (authTag.length !== TAG_BYTES) throw new SecretCipherError('malformed authentication tag');
    decipher.setAuthTag(authTag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      throw new SecretCipherError('secret ciphertext failed authentication', { cause: error });
    }
  }
}

function associatedData({ subscriptionId, slot }: SecretBinding): Buffer {
  // Newline-separated: neither part can contain one (ids are generated, slots are fixed or a header name).
  return Buffer.from(`smart-dairy/subscription-secret\n${subscriptionId}\n${slot}`, 'utf8');
}
