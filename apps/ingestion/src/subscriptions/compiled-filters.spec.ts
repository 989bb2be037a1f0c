import { CompiledFilters } from './compiled-filters';

describe('CompiledFilters', () => {
  const large = { 'data.total': { $gte: 100 } };

  it('compiles a filter once for every subscription and reload that holds it', () => {
    const filters = new CompiledFilters();
    const first = filters.compile(large);
    expect(filters.compile(JSON.parse(JSON.stringify(large)))).toBe(first);
    filters.startFullReload();
    expect(filters.compile(large)).toBe(first);
    filters.startFullReload();
    expect(filters.compile(large)).toBe(first);
  });

  it('forgets a filter that a whole reload went without', () => {
    const filters = new CompiledFilters();
    const first = filters.compile(large);
    filters.startFullReload();
    filters.startFullReload();
    const again = filters.compile(large);
    expect(again).not.toBe(first);
    expect(again).toEqual(expect.objectContaining({ ok: true }));
  });

  it('keeps the problems of a filter that does not compile', () => {
    expect(new CompiledFilters().compile({ total: 1 })).toEqual({
      ok: false,
      problems: [{ at: ['total'], message: expect.stringMatching(/^field path is not part of the event/) }],
    });
  });
});
