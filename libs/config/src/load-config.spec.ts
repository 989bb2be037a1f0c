import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { commonEnv, port } from './env';

const schema = z.object({ ...commonEnv, PORT: port(3002) });

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig('ingestion', schema, {});
    expect(config.PORT).toBe(3002);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/smart_dairy');
    expect(config.KAFKA_TOPIC_PREFIX).toBe('');
  });

  it('splits and trims a broker list', () => {
    const config = loadConfig('x', schema, { KAFKA_BROKERS: 'a:1, b:2' });
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it.each([
    ['PORT', 'not-a-number', 'PORT'],
    ['PORT', '70000', 'PORT'],
    ['KAFKA_BROKERS', 'nohostport', 'KAFKA_BROKERS'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['KAFKA_TOPIC_PREFIX', 'bad prefix', 'KAFKA_TOPIC_PREFIX'],
  ])('fails fast on %s=%s naming the variable', (name, value, expected) => {
    expect(() => loadConfig('svc', schema, { [name]: value })).toThrow(ConfigError);
    try {
      loadConfig('svc', schema, { [name]: value });
    } catch (error) {
      expect((error as ConfigError).message).toContain(`Invalid configuration for svc`);
      expect((error as ConfigError).problems.join('\n')).toContain(expected);
    }
  });
});
