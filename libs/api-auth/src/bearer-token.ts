const BEARER = /^Bearer +(\S+) *$/i;

/** The credentials of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 9110 §11.1). */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
}
