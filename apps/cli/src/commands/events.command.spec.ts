import { EVENT_TYPES } from '@smart-dairy/schemas';
import { bufferIo } from '../../test/buffer-io';
import { eventsCommand } from './events.command';

it('events lists every type with its priority and description, one per line', async () => {
  const io = bufferIo();
  await expect(eventsCommand.execute([], io)).resolves.toBe(0);
  const lines = io.stdout().split('\n');
  expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(EVENT_TYPES);
  expect(lines).toContainEqual(expect.stringMatching(/^order\.created +high {4}New order placed$/));
  expect(lines).toContainEqual(expect.stringMatching(/^product\.updated +low {5}Product info changed$/));
});
