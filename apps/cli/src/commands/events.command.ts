import { EVENT_CATALOG, EVENT_TYPES } from '@smart-dairy/schemas';
import { EXIT_OK, defineCommand } from '../command';

export const eventsCommand = defineCommand({
  name: 'events',
  summary: 'list the event types with their priority and meaning',
  options: {},
  async run(_values, io) {
    const width = Math.max(...EVENT_TYPES.map((type) => type.length));
    for (const type of EVENT_TYPES) {
      const { priority, description } = EVENT_CATALOG[type];
      io.out(`${type.padEnd(width)}  ${priority.padEnd(6)}  ${description}`);
    }
    return EXIT_OK;
  },
});
