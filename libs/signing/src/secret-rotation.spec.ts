import { sign, verifySignature } from './signature';
import { activeSecrets, rotateSecret, type SecretSet } from './secret-rotation';

const rotatedAt = new Date('2026-03-01T00:00:00Z');
const graceSeconds = 24 * 3600;
const rotated = rotateSecret(
  { current: 'whsec_old' },
  { now: rotatedAt, graceSeconds, newSecret: 'whsec_new' },
);
const at = (secondsAfterRotation: number) => new Date(rotatedAt.getTime() + secondsAfterRotation * 1000);

describe('rotateSecret', () => {
  it('makes the new secret current and keeps the old one until the grace period ends', () => {
    expect(rotated).toEqual({
      current: 'whsec_new',
      previous: 'whsec_old',
      previousExpiresAt: new Date('2026-03-02T00:00:00Z'),
    });
  });

  it('generates the new secret when none is given', () => {
    const next = rotateSecret({ current: 'whsec_old' }, { graceSeconds });
    expect(next.current).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(next.current).not.toBe('whsec_old');
  });

  it("generates a secret of the scheme's form", () => {
    const next = rotateSecret({ current: 'whsec_old' }, { graceSeconds, scheme: 'standard-webhooks' });
    expect(next.current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('drops a secret two rotations old', () => {
    const twice = rotateSecret(rotated, { now: at(10), graceSeconds, newSecret: 'whsec_newest' });
    expect(activeSecrets(twice, at(11))).toEqual(['whsec_newest', 'whsec_new']);
  });

  it.each([-1, Number.NaN])('rejects a grace period of %p seconds', (seconds) => {
    expect(() => rotateSecret(rotated, { graceSeconds: seconds })).toThrow(RangeError);
  });
});

describe('activeSecrets', () => {
  it.each<[string, SecretSet, Date, string[]]>([
    ['a never-rotated set', { current: 'whsec_only' }, at(0), ['whsec_only']],
    ['right after rotation', rotated, at(0), ['whsec_new', 'whsec_old']],
    ['one second before the grace period ends', rotated, at(graceSeconds - 1), ['whsec_new', 'whsec_old']],
    ['when the grace period ends', rotated, at(graceSeconds), ['whsec_new']],
    ['after the grace period', rotated, at(graceSeconds + 3600), ['whsec_new']],
  ])('for %s', (_case, set, now, expected) => {
    expect(activeSecrets(set, now)).toEqual(expected);
  });

  it.each([
    ['verifies during the grace period', at(60), true],
    ['does not verify after it', at(graceSeconds + 1), false],
  ])('a delivery signed with the previous secret %s', (_case, now, expected) => {
    const timestamp = Math.floor(now.getTime() / 1000);
    const body = '{"event":"order.created"}';
    const signature = sign('whsec_old', timestamp, body);
    expect(verifySignature({ secrets: activeSecrets(rotated, now), timestamp, body, signature })).toBe(
      expected,
    );
  });
});
