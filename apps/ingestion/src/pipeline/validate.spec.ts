import { MAX_EVENT_BYTES } from '@smart-dairy/schemas';
import { validateMessages } from './validate';

const message = (value: Buffer | null) => ({
  topic: 'p.events.order',
  partition: 0,
  offset: '7',
  key: null,
  value,
});

describe('validateMessages', () => {
  it('keeps the whole original of an invalid message within the event size limit', () => {
    const value = Buffer.from('{"event": ');
    const [record] = validateMessages([message(value)], 'p.').invalid;
    expect(Buffer.from(record!.value!, 'base64')).toEqual(value);
    expect(record!.problems).toHaveLength(1);
  });

  it('keeps only the start of a larger original, so the record stays publishable, and says so', () => {
    const value = Buffer.alloc(900 * 1024, 'x');
    const [record] = validateMessages([message(value)], 'p.').invalid;
    expect(Buffer.from(record!.value!, 'base64')).toEqual(value.subarray(0, MAX_EVENT_BYTES));
    expect(record!.problems).toContainEqual({
      path: '',
      message: `only the first ${MAX_EVENT_BYTES} of ${value.length} bytes are kept in this record`,
    });
  });

  it('quarantines a message without a value', () => {
    const [record] = validateMessages([message(null)], 'p.').invalid;
    expect(record).toMatchObject({ value: null, problems: [{ path: '', message: 'message has no value' }] });
  });
});
