export { parseBody, parseQuery } from './parse-input';
export { NotFoundProblem, ProblemError, ValidationProblem, type ProblemOptions } from './problem-error';
export { PROBLEM_CONTENT_TYPE, ProblemFilter, type ProblemLogger } from './problem.filter';
export { problemTypeUri, type FieldProblem, type ProblemCode, type ProblemDetails } from './problem-types';
