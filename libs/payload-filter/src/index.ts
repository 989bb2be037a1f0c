export {
  compileFilter,
  type CompiledFilter,
  type EventPredicate,
  type FilterCompilation,
  type FilterMismatch,
} from './compile-filter';
export {
  FILTER_LIMITS,
  type FilterDocument,
  type FilterLocation,
  type FilterProblem,
  type FilterableEvent,
} from './filter-syntax';
