import { parseCapturedHeaders } from './captured-headers';

describe('parseCapturedHeaders', () => {
  it.each<[string, string, Record<string, string | string[]>]>([
    [
      'a JSON object',
      '{"X-Webhook-ID": "wh_1", "x-webhook-timestamp": 1772435730}',
      { 'X-Webhook-ID': 'wh_1', 'x-webhook-timestamp': '1772435730' },
    ],
    ['a JSON object with a repeated header', '{"via": ["a", "b"]}', { via: ['a', 'b'] }],
    [
      'Name: value lines, names lowercased and values trimmed',
      'X-Webhook-ID: wh_1\nX-Webhook-Signature:  sha256=abc= \n',
      { 'x-webhook-id': 'wh_1', 'x-webhook-signature': 'sha256=abc=' },
    ],
    ['CRLF lines and blank lines', 'A: 1\r\n\r\nB: 2\r\n', { a: '1', b: '2' }],
    ['values containing colons', 'Host: 127.0.0.1:8080', { host: '127.0.0.1:8080' }],
    ['a request line first', 'POST /webhooks/smart-dairy HTTP/1.1\nA: 1', { a: '1' }],
    ['a repeated line, the first kept', 'A: 1\na: 2', { a: '1' }],
  ])('reads %s', (_case, text, headers) => {
    expect(parseCapturedHeaders(text)).toEqual({ ok: true, headers });
  });

  it.each([
    ['broken JSON', '{"a": ', /^not valid JSON: /],
    ['a JSON array', ' [{"a": "1"}]', /^expected a JSON object of header names to values$/],
    ['a line whose name is not a header name', 'X Webhook: 1', /^line 1 is not "Name: value"/],
    ['a JSON object value', '{"a": {"b": 1}}', /^header "a" is neither a string nor a list of strings$/],
    ['a line without a colon', 'A: 1\nnot a header', /^line 2 is not "Name: value": "not a header"$/],
    ['a line without a colon that looks like a name', 'A: 1\nSignature', /^line 2 is not "Name: value"/],
    ['a line starting with a colon', ': 1', /^line 1 is not "Name: value"/],
    ['a request line after the first line', 'A: 1\nPOST / HTTP/1.1', /^line 2 is not "Name: value"/],
  ])('refuses %s', (_case, text, message) => {
    expect(parseCapturedHeaders(text)).toEqual({ ok: false, message: expect.stringMatching(message) });
  });
});
