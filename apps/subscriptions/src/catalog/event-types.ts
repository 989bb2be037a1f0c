import { Controller, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '@smart-dairy/api-auth';
import { Endpoint, routeTable } from '@smart-dairy/http-api';
import { EVENT_CATALOG, EVENT_TYPES, categoryOf, eventJsonSchema } from '@smart-dairy/schemas';
import { z } from 'zod';

export const EventTypeList = z.object({
  data: z.array(
    z.object({
      type: z.string(),
      category: z.string(),
      version: z.string(),
      priority: z.enum(['high', 'medium', 'low']),
      description: z.string(),
      schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the delivery envelope'),
      sample: z.record(z.string(), z.unknown()).describe('Example `data`'),
    }),
  ),
});
type EventTypeList = z.output<typeof EventTypeList>;

export const EVENT_TYPE_ROUTES = routeTable('Event types', {
  list: {
    method: 'get',
    path: '/v1/event-types',
    summary: 'The event catalog: every type with its JSON Schema and a sample',
    scopes: ['read', 'producer'],
    response: EventTypeList,
  },
});

@Controller()
@UseGuards(ApiKeyGuard)
export class EventTypesController {
  // The catalog is fixed at build time, so its schemas are generated once.
  private readonly catalog: EventTypeList = {
    data: EVENT_TYPES.map((type) => {
      const { version, priority, description, sample } = EVENT_CATALOG[type];
      return {
        type,
        category: categoryOf(type),
        version,
        priority,
        description,
        schema: eventJsonSchema(type),
        sample,
      };
    }),
  };

  @Endpoint(EVENT_TYPE_ROUTES.list)
  list(): EventTypeList {
    return this.catalog;
  }
}
