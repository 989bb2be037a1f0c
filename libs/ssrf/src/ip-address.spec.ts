import { formatIPv4, parseIpAddress } from './ip-address';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('parseIpAddress', () => {
  it.each([
    ['0.0.0.0', 4, '00000000'],
    ['203.0.113.255', 4, 'cb0071ff'],
    ['::', 6, '00000000000000000000000000000000'],
    ['::1', 6, '00000000000000000000000000000001'],
    ['1::', 6, '00010000000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', 6, '00010002000300040005000600070008'],
    ['::2:3:4:5:6:7:8', 6, '00000002000300040005000600070008'],
    ['1:2:3::6:7:8', 6, '00010002000300000000000600070008'],
    ['FE80::ABCD', 6, 'fe80000000000000000000000000abcd'],
    ['fe80::1%eth0', 6, 'fe800000000000000000000000000001'],
    ['::ffff:127.0.0.1', 6, '00000000000000000000ffff7f000001'],
    ['::ffff:7f00:1', 6, '00000000000000000000ffff7f000001'],
    ['1:2:3:4:5:6:1.2.3.4', 6, '00010002000300040005000601020304'],
    ['64:ff9b::192.0.2.33', 6, '0064ff9b0000000000000000c0000221'],
  ])('parses %s', (text, version, bytes) => {
    const parsed = parseIpAddress(text);
    expect(parsed?.version).toBe(version);
    expect(hex(parsed?.bytes ?? new Uint8Array())).toBe(bytes);
  });

  it.each([
    '',
    'localhost',
    '127.1',
    '0177.0.0.1',
    '256.0.0.1',
    '[::1]',
    '1:2:3:4:5:6:7:8:9',
    ':::',
    '1.2.3.4 ',
  ])('rejects %j', (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });
});

describe('formatIPv4', () => {
  it.each([
    [[127, 0, 0, 1], '127.0.0.1'],
    [[255, 255, 255, 255], '255.255.255.255'],
  ])('formats %j as %s', (bytes, text) => {
    expect(formatIPv4(Uint8Array.from(bytes))).toBe(text);
  });
});
