import { sign, verifySignature } from './signature';

const ENVELOPE =
  '{"id":"wh_1234567890abcdef","event":"order.created","timestamp":"2026-01-31T10:30:00Z",' +
  '"webhook_id":"wh_sub_987654321","attempt":1,"data":{"order_id":"ORD-2026-001234"}}';

describe('sign', () => {
  // Expected values computed independently of this code, with python3 on the dev machine:
  //   'sha256=' + base64.b64encode(hmac.new(secret.encode('utf-8'),
  //       f"{ts}.".encode() + body.encode('utf-8'), hashlib.sha256).digest()).decode()
  // The first one was cross-checked with:
  //   printf '%s' "1706701800.$BODY" | openssl dgst -sha256 -hmac whsec_test_secret -binary | base64
  it.each([
    [
      'an envelope',
      'whsec_test_secret',
      1706701800,
      ENVELOPE,
      'sha256=dQf4J1pqT6uDc/fmL3twKs6ptMymy8l01sEPrdZVXBs=',
    ],
    [
      'an empty body at the epoch',
      'whsec_MfKQ9r2vT8xW1yZ3aB4cD5eF6gH7iJ8kL9mN0oP1qR2',
      0,
      '',
      'sha256=M6Mxl1d1MZdJkbTuMNmG6rxpf73BCbWxvmPIVbNZdUU=',
    ],
    [
      'non-ASCII secret and body (UTF-8 on both)',
      'sécret-ü',
      1769855400,
      '{"customer":"Müller Dairy ☕"}',
      'sha256=NKE4tehy+g7p+pZ6Pa1XcqnvKylZvbm4H98rXSgwrRw=',
    ],
  ])('matches the reference vector for %s', (_case, secret, timestamp, body, expected) => {
    expect(sign(secret, timestamp, body)).toBe(expected);
    expect(sign(secret, timestamp, Buffer.from(body, 'utf8'))).toBe(expected);
  });

  it.each([
    ['negative', -1],
    ['fractional', 1706701800.5],
    ['not a number', Number.NaN],
    ['unsafe integer', Number.MAX_SAFE_INTEGER + 1],
  ])('rejects a %s timestamp', (_case, timestamp) => {
    expect(() => sign('whsec_x', timestamp, ENVELOPE)).toThrow(RangeError);
  });

  it('rejects an empty secret', () => {
    expect(() => sign('', 1706701800, ENVELOPE)).toThrow(RangeError);
  });
});

describe('verifySignature', () => {
  const timestamp = 1706701800;
  const secret = 'whsec_test_secret';
  const signature = 'sha256=dQf4J1pqT6uDc/fmL3twKs6ptMymy8l01sEPrdZVXBs=';
  const body = Buffer.from(ENVELOPE, 'utf8');

  it('accepts the signature of the exact bytes', () => {
    expect(verifySignature({ secrets: [secret], timestamp, body, signature })).toBe(true);
  });

  it.each([0, 17, body.length - 1])('rejects the body with byte %i flipped', (index) => {
    const tampered = Buffer.from(body);
    tampered[index] = tampered[index] ^ 0x01;
    expect(verifySignature({ secrets: [secret], timestamp, body: tampered, signature })).toBe(false);
  });

  it.each([
    ['another timestamp', { timestamp: timestamp + 1 }],
    ['another secret', { secrets: ['whsec_other'] }],
    ['no secrets', { secrets: [] }],
    ['only an empty secret', { secrets: [''] }],
    ['a truncated signature', { signature: signature.slice(0, -2) }],
    ['a longer signature', { signature: `${signature}AA` }],
    ['an empty signature', { signature: '' }],
    [
      'the hex form of the MAC',
      { signature: 'sha256=' + Buffer.from(signature.slice(7), 'base64').toString('hex') },
    ],
    ['a missing scheme prefix', { signature: signature.slice('sha256='.length) }],
    ['an invalid timestamp', { timestamp: Number.NaN }],
    ['a negative timestamp', { timestamp: -5 }],
  ])('rejects %s without throwing', (_case, override) => {
    expect(verifySignature({ secrets: [secret], timestamp, body, signature, ...override })).toBe(false);
  });

  it('accepts when any listed secret signed the body', () => {
    expect(verifySignature({ secrets: ['whsec_new', secret], timestamp, body, signature })).toBe(true);
  });
});
