import { z } from 'zod';

export { isoTimestamp } from '../iso-timestamp';

/** Business identifiers are opaque strings such as `ORD-2026-001234`. */
export const identifier = z.string().min(1);

/** Money in major units (98.28 means 98 dollars 28 cents), as the producers send it. */
export const amount = z.number().nonnegative();

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as USD');

export const quantity = z.number().int().positive();

/** Names of the top-level fields an update touched, so consumers can ignore irrelevant updates. */
export const changedFields = z.array(z.string().min(1)).min(1);
