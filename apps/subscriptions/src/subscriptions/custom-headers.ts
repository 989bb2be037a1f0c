import type { Prisma, Subscription } from '@smart-dairy/db';
import { ValidationProblem } from '@smart-dairy/http-problem';
import { formatPath } from '@smart-dairy/schemas';
import {
  openHeaders,
  parseSealedHeaders,
  sealHeaders,
  type OpenHeader,
  type SecretCipher,
} from '@smart-dairy/secret-crypto';
import { MASKED_HEADER_VALUE } from './subscription.schemas';

/** What reads show of the stored headers: every name, and the mask for every value. */
export function maskedHeaders(stored: unknown): Record<string, typeof MASKED_HEADER_VALUE> {
  return Object.fromEntries(
    parseSealedHeaders(stored).map(({ name }): [string, typeof MASKED_HEADER_VALUE] => [
      name,
      MASKED_HEADER_VALUE,
    ]),
  );
}

/**
 * The headers to store for a create or an update: the values given, and for each one given as the mask
 * (a read sent back) the value stored under that name, which `openStored` decrypts only when a mask asks
 * for it. A mask with no value stored under its name is a problem of that header.
 */
export function headersToStore(
  given: Readonly<Record<string, string>>,
  openStored: () => readonly OpenHeader[],
): OpenHeader[] {
  const entries = Object.entries(given);
  if (!entries.some(([, value]) => value === MASKED_HEADER_VALUE)) return entries;
  const stored = new Map(openStored().map(([name, value]) => [name.toLowerCase(), value]));
  const unknown = entries.filter(
    ([name, value]) => value === MASKED_HEADER_VALUE && !stored.has(name.toLowerCase()),
  );
  if (unknown.length > 0) {
    throw new ValidationProblem(
      unknown.map(([name]) => ({
        path: formatPath(['custom_headers', name]),
        message: `is masked, but no value is stored for ${name}: send the value itself`,
      })),
      'The request body is invalid.',
    );
  }
  return entries.map(([name, value]) =>
    value === MASKED_HEADER_VALUE ? [name, stored.get(name.toLowerCase()) as string] : [name, value],
  );
}

/** The sealed headers an update stores: undefined leaves them, null or {} removes them all. */
export function sealedHeadersUpdate(
  cipher: SecretCipher,
  current: Pick<Subscription, 'id' | 'customHeaders'>,
  given: Readonly<Record<string, string>> | null | undefined,
): Prisma.InputJsonArray | undefined {
  if (given === undefined) return undefined;
  const headers = headersToStore(given ?? {}, () =>
    openHeaders(cipher, current.id, parseSealedHeaders(current.customHeaders)),
  );
  return sealHeaders(cipher, current.id, headers);
}
