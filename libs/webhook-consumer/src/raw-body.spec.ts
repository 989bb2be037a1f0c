import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { BodyTooLargeError, readRawBody, receivedBody, type FrameworkRequest } from './raw-body';

const requestOf = (chunks: string[], headers: Record<string, string> = {}, extra: object = {}) =>
  Object.assign(
    Readable.from(chunks.map((chunk) => Buffer.from(chunk))),
    { headers },
    extra,
  ) as unknown as FrameworkRequest;

describe('readRawBody', () => {
  it('joins the chunks as received', async () => {
    await expect(readRawBody(requestOf(['{"a":', '1}']))).resolves.toEqual(Buffer.from('{"a":1}'));
  });

  it.each([
    ['a streamed body over the limit', requestOf(['12345', '67890']), 9],
    ['a declared length over the limit', requestOf([], { 'content-length': '10' }), 9],
  ])('refuses %s', async (_case, request, maxBytes) => {
    await expect(readRawBody(request as IncomingMessage, maxBytes)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('accepts a body of exactly the limit', async () => {
    await expect(readRawBody(requestOf(['12345', '6789']), 9)).resolves.toHaveLength(9);
  });
});

describe('receivedBody', () => {
  it.each([
    ["Nest's rawBody", { rawBody: Buffer.from('nest') }, 'nest'],
    ["express.raw()'s body", { body: Buffer.from('express') }, 'express'],
  ])('prefers %s to the stream', async (_case, extra, expected) => {
    await expect(receivedBody(requestOf(['stream'], {}, extra))).resolves.toEqual(Buffer.from(expected));
  });

  it('reads the stream when no parser ran', async () => {
    await expect(receivedBody(requestOf(['stream'], {}, { body: {} }))).resolves.toEqual(
      Buffer.from('stream'),
    );
  });

  it('explains the setup when a parser consumed the body', async () => {
    const request = requestOf(['{}'], {}, { body: {} });
    await readRawBody(request);
    await expect(receivedBody(request)).rejects.toThrow(/express\.raw/);
  });
});
