import { connectionSecurity } from './connection-security';

describe('connectionSecurity', () => {
  const sasl = { mechanism: 'scram-sha-512', username: 'ingestion', password: 'pw' } as const;

  it.each([
    ['plaintext', {}, {}],
    ['TLS against the system CAs', { tls: {} }, { ssl: {} }],
    ['TLS against a CA', { tls: { ca: 'CA' } }, { ssl: { ca: ['CA'] } }],
    [
      'mutual TLS',
      { tls: { ca: 'CA', cert: 'CERT', key: 'KEY' } },
      { ssl: { ca: ['CA'], cert: 'CERT', key: 'KEY' } },
    ],
    ['SCRAM over TLS', { tls: {}, sasl }, { ssl: {}, sasl }],
    ['SCRAM in clear', { sasl }, { sasl }],
  ])('%s', (_, security, expected) => {
    expect(connectionSecurity(security)).toEqual(expected);
  });
});
