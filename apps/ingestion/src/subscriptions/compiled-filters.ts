import { compileFilter, type FilterCompilation } from '@smart-dairy/payload-filter';

/**
 * Compiled payload filters by their JSON text. A filter is compiled when a subscription holding it is
 * loaded after a change, not again at every periodic reload, and subscriptions with the same filter share
 * one predicate.
 */
export class CompiledFilters {
  private current = new Map<string, FilterCompilation>();
  private previous = new Map<string, FilterCompilation>();

  compile(stored: unknown): FilterCompilation {
    const text = JSON.stringify(stored);
    const compilation = this.current.get(text) ?? this.previous.get(text) ?? compileFilter(stored);
    this.current.set(text, compilation);
    return compilation;
  }

  /** Called before each full reload: a filter that neither it nor the next one uses is then forgotten. */
  startFullReload(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
