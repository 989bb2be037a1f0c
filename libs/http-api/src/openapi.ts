import { ProblemError, type ProblemCode } from '@smart-dairy/http-problem';
import { z } from 'zod';
import type { RouteSpec } from './route-table';

/** The routes of an API by group, such as a feature's route table: the operation ids are `<group>.<name>`. */
export type RouteGroups = Readonly<Record<string, Readonly<Record<string, RouteSpec>>>>;

export interface ApiInfo {
  readonly title: string;
  readonly description: string;
}

type JsonSchema = Record<string, unknown>;

export interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  parameters: { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: JsonSchema }[];
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

/** The OpenAPI 3.1 document of an API, made from the route specs that also route and parse its requests. */
export function openApiDocument({ title, description }: ApiInfo, groups: RouteGroups): OpenApiDocument {
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
    info: { title, version: '1.0.0', description },
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
    parameters: [...pathParams, ...parameters('query', route.query), ...parameters('header', route.headers)],
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

function parameters(where: 'query' | 'header', object: z.ZodType | undefined): Operation['parameters'] {
  if (!object) return [];
  const schema = jsonSchema(object, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
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
