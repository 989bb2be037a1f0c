import { types } from 'node:util';

/** The message of anything thrown; `isNativeError` rather than instanceof, which fails across realms. */
export function messageOf(error: unknown): string {
  return types.isNativeError(error) ? error.message : String(error);
}
