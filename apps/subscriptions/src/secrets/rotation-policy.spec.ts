import { RotationPolicy } from './rotation-policy';

const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe('RotationPolicy', () => {
  const policy = new RotationPolicy(90);

  it.each([
    ['a secret created 89 days ago', { secretCreatedAt: ago(89), secretRotatedAt: null }, false],
    ['a secret created 90 days ago', { secretCreatedAt: ago(90), secretRotatedAt: null }, true],
    [
      'an old subscription rotated 10 days ago',
      { secretCreatedAt: ago(400), secretRotatedAt: ago(10) },
      false,
    ],
    ['a subscription rotated 91 days ago', { secretCreatedAt: ago(400), secretRotatedAt: ago(91) }, true],
  ])('%s is due: %s', (_label, secret, due) => {
    expect(policy.isDue(secret, now)).toBe(due);
  });

  it('dates the cutoff one period back', () => {
    expect(new RotationPolicy(7).dueBefore(now)).toEqual(ago(7));
  });
});
