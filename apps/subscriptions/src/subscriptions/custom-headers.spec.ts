import { ValidationProblem } from '@smart-dairy/http-problem';
import { SecretCipher, sealHeaders } from '@smart-dairy/secret-crypto';
import { headersToStore, maskedHeaders } from './custom-headers';

const stored = [
  ['Authorization', 'Bearer stored-t0ken'],
  ['X-Region', 'eu'],
] as const;

describe('headersToStore', () => {
  const openStored = jest.fn(() => stored);
  beforeEach(() => openStored.mockClear());

  it('stores the values given, without opening the stored ones', () => {
    expect(headersToStore({ 'X-Region': 'us', 'X-New': 'v' }, openStored)).toEqual([
      ['X-Region', 'us'],
      ['X-New', 'v'],
    ]);
    expect(openStored).not.toHaveBeenCalled();
  });

  it('keeps the stored value of a header sent back masked, whatever the case of its name', () => {
    expect(headersToStore({ authorization: '********', 'X-Route': 'b' }, openStored)).toEqual([
      ['authorization', 'Bearer stored-t0ken'],
      ['X-Route', 'b'],
    ]);
  });

  it('refuses a masked header with no stored value, naming it', () => {
    const attempt = () => headersToStore({ 'X-Api-Key': '********', 'X-Other': '********' }, () => []);
    expect(attempt).toThrow(ValidationProblem);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationProblem).problems).toEqual([
        { path: 'custom_headers["X-Api-Key"]', message: expect.stringContaining('no value is stored') },
        { path: 'custom_headers["X-Other"]', message: expect.stringContaining('no value is stored') },
      ]);
    }
  });
});

describe('maskedHeaders', () => {
  it('shows every stored name with the mask and no value', () => {
    const cipher = SecretCipher.fromKeyRing(`k1:${Buffer.alloc(32, 1).toString('base64')}`);
    const masked = maskedHeaders(JSON.parse(JSON.stringify(sealHeaders(cipher, 'wh_sub_a', stored))));
    expect(masked).toEqual({ Authorization: '********', 'X-Region': '********' });
  });
});
