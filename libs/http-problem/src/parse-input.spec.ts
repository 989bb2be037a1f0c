import { z } from 'zod';
import { parseBody, parseQuery } from './parse-input';
import { ValidationProblem } from './problem-error';

const order = z.strictObject({
  reference: z.string().min(1),
  data: z.strictObject({
    items: z.array(z.strictObject({ sku: z.string(), quantity: z.number().int().positive() })).min(1),
  }),
});

const validOrder = { reference: 'ORD-1', data: { items: [{ sku: 'MILK-1L', quantity: 2 }] } };

function problemsOf(run: () => unknown): ValidationProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationProblem) return error;
    throw error;
  }
  throw new Error('expected a ValidationProblem');
}

describe('parseBody', () => {
  it('returns the parsed value, with the schema’s transforms applied', () => {
    const schema = z.strictObject({ name: z.string().trim(), enabled: z.boolean().default(true) });
    expect(parseBody(schema, { name: '  farm  ' })).toEqual({ name: 'farm', enabled: true });
  });

  it.each<[string, unknown, { path: string; message: RegExp }[]]>([
    [
      'a nested field by its dotted and bracketed path',
      { ...validOrder, data: { items: [{ sku: 'MILK-1L', quantity: 0 }] } },
      [{ path: 'data.items[0].quantity', message: /too small/i }],
    ],
    [
      'each unknown field of a strict object at its own path',
      { ...validOrder, data: { items: [{ sku: 'MILK-1L', quantity: 1, price: 3, note: '' }] } },
      [
        { path: 'data.items[0].price', message: /^Unknown field$/ },
        { path: 'data.items[0].note', message: /^Unknown field$/ },
      ],
    ],
    [
      'every problem, not only the first',
      { data: { items: [] } },
      [
        { path: 'reference', message: /expected string/ },
        { path: 'data.items', message: /too small/i },
      ],
    ],
    ['a body that is not an object at the root', undefined, [{ path: '', message: /expected object/ }]],
  ])('reports %s', (_case, body, expected) => {
    const problem = problemsOf(() => parseBody(order, body));
    expect(problem).toMatchObject({
      status: 400,
      code: 'validation_failed',
      detail: 'The request body is invalid.',
    });
    expect(problem.problems).toEqual(
      expected.map(({ path, message }) => ({ path, message: expect.stringMatching(message) })),
    );
  });
});

describe('parseQuery', () => {
  const query = z.strictObject({ limit: z.coerce.number().int().max(100).default(20) });

  it('coerces the query’s strings through the schema', () => {
    expect(parseQuery(query, { limit: '50' })).toEqual({ limit: 50 });
  });

  it('names the query string and the parameter when a value is invalid', () => {
    const problem = problemsOf(() => parseQuery(query, { limit: '500', cursor: 'x' }));
    expect(problem.detail).toBe('The query string is invalid.');
    expect(problem.problems).toEqual([
      { path: 'limit', message: expect.stringMatching(/too big/i) },
      { path: 'cursor', message: 'Unknown field' },
    ]);
  });
});
