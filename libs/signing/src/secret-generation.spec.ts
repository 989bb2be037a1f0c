import { Webhook } from 'standardwebhooks';
import { generateSecret } from './secret-generation';

describe('generateSecret', () => {
  it('is whsec_ followed by the URL-safe base64 of 32 bytes for the platform scheme', () => {
    for (const secret of [generateSecret(), generateSecret('smart-dairy')]) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64url')).toHaveLength(32);
    }
  });

  it('is whsec_ followed by the standard base64 of 32 bytes for Standard Webhooks, which its library takes', () => {
    const secret = generateSecret('standard-webhooks');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const webhook = new Webhook(secret);
    const signedAt = new Date();
    const signed = webhook.sign('msg_1', signedAt, '{}');
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signed,
    };
    expect(webhook.verify('{}', headers)).toEqual({});
  });

  it.each(['smart-dairy', 'standard-webhooks'] as const)('differs on every call (%s)', (scheme) => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateSecret(scheme)));
    expect(secrets.size).toBe(50);
  });
});
