import { ConfigError, DEV_SECRET_ENCRYPTION_KEYS, loadConfig } from '@smart-dairy/config';
import { SubscriptionsConfigSchema } from './config';

const load = (env: NodeJS.ProcessEnv) => loadConfig('subscriptions', SubscriptionsConfigSchema, env);
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('subscriptions configuration', () => {
  it('works out of the box in development mode: dev key ring, private endpoints, 90-day rotation', () => {
    const config = load({ NODE_ENV: 'development' });
    expect(config.PORT).toBe(3001);
    expect(config.SECRET_ENCRYPTION_KEYS).toBe(DEV_SECRET_ENCRYPTION_KEYS);
    expect(config.ALLOW_PRIVATE_ENDPOINTS).toBe(true);
    expect(config.SECRET_ROTATION_PERIOD_DAYS).toBe(90);
    expect(config.ADMIN_API_KEY).toBeUndefined();
    expect([
      config.RECOVER_MAX_AGE_DAYS,
      config.REDELIVERY_BATCH_SIZE,
      config.BACKLOG_RELEASE_INTERVAL_MS,
    ]).toEqual([30, 500, 60_000]);
  });

  it('in production, the default mode, needs its own key ring and refuses private endpoints by default', () => {
    expect(() => load({})).toThrow(/SECRET_ENCRYPTION_KEYS: required in production/);
    const config = load({ NODE_ENV: 'production', SECRET_ENCRYPTION_KEYS: `k1:${KEY}` });
    expect(config.SECRET_ENCRYPTION_KEYS).toBe(`k1:${KEY}`);
    expect(config.ALLOW_PRIVATE_ENDPOINTS).toBe(false);
    expect(
      load({ NODE_ENV: 'production', SECRET_ENCRYPTION_KEYS: `k1:${KEY}`, ALLOW_PRIVATE_ENDPOINTS: '1' }),
    ).toHaveProperty('ALLOW_PRIVATE_ENDPOINTS', true);
  });

  it.each([
    ['ADMIN_API_KEY', 'too-short'],
    ['SECRET_ENCRYPTION_KEYS', 'no-colon'],
    ['SECRET_ENCRYPTION_KEYS', 'k1:c2hvcnQ='],
    ['SECRET_ENCRYPTION_KEYS', `k1:${KEY},k1:${KEY}`],
    ['SECRET_ROTATION_PERIOD_DAYS', '0'],
    ['SECRET_REMINDER_INTERVAL_MS', '-5'],
    ['RECOVER_MAX_AGE_DAYS', '0'],
    ['REDELIVERY_BATCH_SIZE', '1.5'],
    ['BACKLOG_RELEASE_INTERVAL_MS', '-1'],
    ['ALLOW_PRIVATE_ENDPOINTS', 'yes'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => load({ NODE_ENV: 'development', [name]: value })).toThrow(ConfigError);
    expect(() => load({ NODE_ENV: 'development', [name]: value })).toThrow(name);
  });
});
