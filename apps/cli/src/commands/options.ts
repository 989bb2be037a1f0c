import { EVENT_TYPES, isEventType, type EventType } from '@smart-dairy/schemas';
import { SIGNATURE_SCHEMES, isSignatureScheme, type SignatureScheme } from '@smart-dairy/signing';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../command';
import { messageOf } from '../error-message';

export function eventTypeOption(value: string): EventType {
  if (isEventType(value)) return value;
  throw new UsageError(`unknown event type ${JSON.stringify(value)}; one of ${EVENT_TYPES.join(', ')}`);
}

export function schemeOption(value: string): SignatureScheme {
  if (isSignatureScheme(value)) return value;
  throw new UsageError(
    `--scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}, got ${JSON.stringify(value)}`,
  );
}

export function integerOption(name: string, value: string, min: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  }
  return number;
}

export function httpUrlOption(name: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UsageError(`--${name} must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

/** The file's bytes, exactly. */
export async function readOptionFile(name: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const reason = messageOf(error);
    throw new UsageError(`cannot read the --${name} file: ${reason}`);
  }
}
