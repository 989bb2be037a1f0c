import { ProblemError, type ProblemCode } from '@smart-dairy/http-problem';
import { z } from 'zod';
import { API_KEY_ROUTES } from '../api-keys/api-key.routes';
import { EVENT_TYPE_ROUTES } from '../catalog/event-types';
import { DELIVERY_ROUTES } from '../deliveries/delivery.routes';
import type { RouteSpec } from '../http/endpoint';
import { STATS_ROUTES } from '../stats/stats.routes';
import { SUBSCRIPTION_ROUTES } from '../subscriptions/subscription.routes';

/** Every /v1 route, by group: the operation ids are `<group>.<name>`. */
export const API_ROUTES: Readonly<Record<string, Readonly<Record<string, RouteSpec>>>> = {
  apiKeys: API_KEY_ROUTES,
  subscriptions: SUBSCRIPTION_ROUTES,
  deliveries: DELIVERY_ROUTES,
  stats: STATS_ROUTES,
  eventTypes: EVENT_TYPE_ROUTES,
};

type JsonSchema = Record<string, unknown>;

export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters: { name: string; in: 'path' | 'query'; required: boolean; schema: JsonSchema }[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  security: Record<string, string[]>[];
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
  paths: Record<string, Record<string, Operation>>;
}

const FieldProblem = z.object({
  path: z.string().describe('Where in the input: `events[1]`, `metadata.team`; empty for all of it'),
  message: z.string(),
});

const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable: branch on it, never on detail'),
    detail: z.string(),
    instance: z.string(),
    problems: z.array(FieldProblem).optional().describe('For validation_failed: one entry per field problem'),
  })
  .describe('RFC 9457 problem details');

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** Problems any /v1 route may answer. */
const ALWAYS: readonly ProblemCode[] = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'too_many_failed_authentications',
];
const WITH_BODY: readonly ProblemCode[] = ['malformed_json', 'payload_too_large', 'unsupported_media_type'];

export function openApiDocument(groups = API_ROUTES): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  for (const [group, routes] of Object.entries(groups)) {
    for (const [name, route] of Object.entries(routes)) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      paths[path] = { ...paths[path], [route.method]: operation(`${group}.${name}`, route) };
      tags.add(route.tag);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Smart Dairy Webhooks: subscriptions API',
      version: '1.0.0',
      description:
        'Subscriptions, their signing secrets, the delivery log, stats and API keys. Every error is ' +
        'application/problem+json with a stable `code`.',
    },
    tags: [...tags].map((name) => ({ name })),
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key: `Authorization: Bearer sdk_...`',
        },
      },
      schemas: { Problem: jsonSchema(Problem, 'output') },
    },
    paths,
  };
}

function operation(operationId: string, route: RouteSpec): Operation {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name: name as string,
    in: 'path' as const,
    required: true,
    schema: { type: 'string' },
  }));
  const problems = [
    ...ALWAYS,
    ...(pathParams.length > 0 ? ['not_found' as const] : []),
    ...(route.body ? WITH_BODY : []),
    ...(route.problems ?? []),
  ];
  return {
    operationId,
    tags: [route.tag],
    summary: route.summary,
    description: `Key scope: ${['admin', ...route.scopes].join(' or ')}.`,
    parameters: [...pathParams, ...queryParameters(route.query)],
    ...(route.body && {
      requestBody: {
        // An action whose every field is optional may be called without a body.
        required: !route.body.safeParse({}).success,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      },
    }),
    responses: {
      [route.status]: {
        description: route.response ? 'Success' : 'Success, no content',
        ...(route.response && {
          content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
        }),
      },
      ...problemResponses(problems),
    },
  };
}

function queryParameters(query: z.ZodType | undefined): Operation['parameters'] {
  if (!query) return [];
  const schema = jsonSchema(query, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

function problemResponses(codes: readonly ProblemCode[]): Operation['responses'] {
  const responses: Operation['responses'] = {};
  for (const code of codes) {
    // The status of each code is defined once, by http-problem.
    const { status } = new ProblemError(code, '');
    const known = responses[status];
    responses[status] = {
      description: known ? `${known.description}, ${code}` : code,
      content: { 'application/problem+json': { schema: PROBLEM_REF } },
    };
  }
  return responses;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}
