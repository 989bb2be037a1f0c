import { parseArgs } from 'node:util';
import { messageOf } from './error-message';

export const PROGRAM = 'smart-dairy-webhooks';

/** Exit codes: the check or delivery failed (1), the command line or an input file was wrong (2). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a command writes; the process's stdout and stderr, or a buffer in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A problem with what the user gave: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  /** Placeholder shown in the usage, e.g. `<url>`. */
  readonly value: string;
  readonly help: string;
  readonly required?: boolean;
}

type OptionValues<O extends Record<string, OptionSpec>> = {
  readonly [K in keyof O]: O[K]['required'] extends true ? string : string | undefined;
};

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** Said after the option list in `--help`. */
  readonly notes?: string;
  readonly options: O;
  run(values: OptionValues<O>, io: CliIo): Promise<number>;
}

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Parses the command's arguments and runs it; resolves with the exit code. */
  execute(args: readonly string[], io: CliIo): Promise<number>;
}

export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CliCommand {
  const usage = usageOf(spec);
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async execute(args, io) {
      try {
        const parsed = parseOptions(spec.options, args);
        if (parsed.help) {
          io.out(usage);
          return EXIT_OK;
        }
        return await spec.run(parsed.values, io);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        io.err(`${PROGRAM} ${spec.name}: ${error.message}\n\n${usage}`);
        return EXIT_USAGE;
      }
    },
  };
}

function parseOptions<O extends Record<string, OptionSpec>>(
  options: O,
  args: readonly string[],
): { readonly help: true } | { readonly help: false; readonly values: OptionValues<O> } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(Object.keys(options).map((name) => [name, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  if (values['help'] === true) return { help: true };
  const names = Object.keys(options);
  const missing = names.filter((name) => options[name].required && values[name] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  const empty = names.find((name) => values[name] === '');
  if (empty !== undefined) throw new UsageError(`--${empty} must not be empty`);
  // Every option but help is declared as a string option, so parseArgs gave strings for them.
  return { help: false, values: values as OptionValues<O> };
}

function usageOf<O extends Record<string, OptionSpec>>({
  name,
  summary,
  options,
  notes,
}: CommandSpec<O>): string {
  const synopsis = Object.entries(options).map(([option, { value, required }]) =>
    required ? `--${option} ${value}` : `[--${option} ${value}]`,
  );
  const rows = Object.entries(options).map(([option, { value, help }]) => [`--${option} ${value}`, help]);
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return [
    `Usage: ${PROGRAM} ${name} ${synopsis.join(' ')}`.trimEnd(),
    '',
    summary,
    ...(rows.length > 0
      ? ['', 'Options:', ...rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`)]
      : []),
    ...(notes === undefined ? [] : ['', notes]),
  ].join('\n');
}
