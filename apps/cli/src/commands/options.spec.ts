import { UsageError } from '../command';
import { eventTypeOption, httpUrlOption, integerOption } from './options';

describe('integerOption', () => {
  it.each([
    ['1', 1, 1],
    ['0', 0, 0],
    ['300', 0, 300],
  ])('reads %s (at least %d) as %d', (value, min, expected) => {
    expect(integerOption('n', value, min)).toBe(expected);
  });

  it.each([
    ['0', 1],
    ['-1', 0],
    ['1.5', 0],
    ['1e3', 0],
    ['', 0],
    [' 2', 0],
    ['99999999999999999999', 0],
  ])('refuses %j (at least %d)', (value, min) => {
    expect(() => integerOption('n', value, min)).toThrow(
      new UsageError(`--n must be a whole number of at least ${min}, got ${JSON.stringify(value)}`),
    );
  });
});

describe('httpUrlOption', () => {
  it.each(['http://127.0.0.1:8080/webhooks', 'https://partner.example/hooks?x=1'])('accepts %s', (value) => {
    expect(httpUrlOption('url', value).href).toBe(value);
  });

  it.each(['partner.example/hooks', 'ftp://partner.example/', 'file:///etc/passwd', ''])(
    'refuses %j',
    (value) => {
      expect(() => httpUrlOption('url', value)).toThrow(UsageError);
    },
  );
});

describe('eventTypeOption', () => {
  it('accepts a catalog type', () => {
    expect(eventTypeOption('inventory.low')).toBe('inventory.low');
  });

  it.each(['order', 'order.shipped', 'ORDER.CREATED'])('refuses %s, listing the types', (value) => {
    expect(() => eventTypeOption(value)).toThrow(
      /unknown event type .*; one of order\.created, order\.updated/,
    );
  });
});
