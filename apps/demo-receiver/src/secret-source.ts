import { readFile } from 'node:fs/promises';

/** The secrets deliveries may be signed with right now, newest first; empty when none is known yet. */
export type SecretSource = () => Promise<string[]>;

/** Secrets separated by commas or line breaks, as written in the variable or the file. */
export function parseSecrets(text: string): string[] {
  return text
    .split(/[,\r\n]+/)
    .map((secret) => secret.trim())
    .filter(Boolean);
}

export function fixedSecrets(text: string): SecretSource {
  const secrets = parseSecrets(text);
  return () => Promise.resolve(secrets);
}

/** Re-reads the file each time; a file that does not exist yet means no secret yet. */
export function fileSecrets(path: string): SecretSource {
  return async () => {
    try {
      return parseSecrets(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
}
