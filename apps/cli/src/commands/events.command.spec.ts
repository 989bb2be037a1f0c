import { EVENT_TYPES } from '@smart-dairy/schemas';
import { bufferIo } from '../../test/buffer-io';
import { eventsCommand } from './events.command';

it('events lists every type with its priority and description, one per line', async () => {
  const io = bufferIo();
  await expect(eventsCommand.execute([], io)).resolves.toBe(0);
  const lines = io.stdout().split('\n');
  expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(EVENT_TYPES);
  expect(lines).toContain('order.created       high    New order placed');
  expect(lines).toContain('product.updated     low     Product info changed');
});
