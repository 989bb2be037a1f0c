import { DEFAULT_PORTS, SERVICES } from '@smart-dairy/stack';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scriptSyntaxError } from './node-script';

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: Instruction[];
}

/** The images deployment files may build: the four services, the demo receiver and the migration. */
export const IMAGE_TARGETS = [...SERVICES, 'demo-receiver', 'migrate'] as const;

/** Stages of a Dockerfile, with global ARG defaults substituted into FROM. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = rest;
      const resolved = image.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => args.get(arg) ?? '');
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : `stage-${stages.length}`,
        from: resolved,
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [key = '', value = ''] = instruction.args.split('=');
      args.set(key, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The stage and its ancestors (`FROM <stage>`), the stage itself first. */
function chain(stages: Stage[], name: string): Stage[] {
  const result: Stage[] = [];
  for (
    let stage = stages.find((s) => s.name === name);
    stage;
    stage = stages.find((s) => s.name === stage?.from)
  ) {
    result.push(stage);
  }
  return result;
}

/** The last value of an instruction along the stage's chain, as a later stage overrides an earlier one. */
function effective(stages: Stage[], name: string, keyword: string): string | undefined {
  for (const stage of chain(stages, name)) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found.args;
  }
  return undefined;
}

function envOf(stages: Stage[], name: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const stage of chain(stages, name).reverse()) {
    for (const i of stage.instructions.filter((i) => i.keyword === 'ENV')) {
      for (const pair of i.args.split(/\s+/)) {
        const [key = '', value = ''] = pair.split('=');
        env.set(key, value);
      }
    }
  }
  return env;
}

const execForm = (args: string | undefined): unknown => {
  try {
    return JSON.parse(args ?? '');
  } catch {
    return undefined;
  }
};

export interface DockerfileCheckOptions {
  /** The repository root: COPY sources and dist/ entry points are looked up there. */
  readonly root: string;
  /** The .dockerignore patterns. */
  readonly ignored: string[];
}

export function checkDockerfile(text: string, { root, ignored }: DockerfileCheckOptions): string[] {
  const stages = parseDockerfile(text);
  const problems = IMAGE_TARGETS.flatMap((target) =>
    stages.some((s) => s.name === target)
      ? targetProblems(stages, target, root).map((p) => `Dockerfile target ${target}: ${p}`)
      : [`Dockerfile: no target ${target}`],
  );
  const isIgnored = ignoreMatcher(ignored);
  for (const stage of stages) {
    for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from'))) {
      for (const source of copy.args.split(/\s+/).slice(0, -1)) {
        const where = `Dockerfile stage ${stage.name}: COPY ${source}`;
        if (!existsSync(join(root, source))) problems.push(`${where} does not exist`);
        else if (isIgnored(source)) problems.push(`${where} is excluded by .dockerignore`);
      }
    }
  }
  return problems;
}

function targetProblems(stages: Stage[], target: (typeof IMAGE_TARGETS)[number], root: string): string[] {
  const problems: string[] = [];
  const problem = (message: string) => problems.push(message);
  const lineage = chain(stages, target);
  const env = envOf(stages, target);

  const base = lineage.at(-1)?.from ?? '';
  if (!/^node:24[-.]/.test(base)) problem(`built from ${base}, not the official Node 24 image`);
  const user = effective(stages, target, 'USER') ?? '(root)';
  if (!/^[1-9]\d*(:\d+)?$/.test(user)) problem(`USER ${user} is not a numeric non-root user`);
  const entrypoint = execForm(effective(stages, target, 'ENTRYPOINT'));
  if (!Array.isArray(entrypoint) || !String(entrypoint[0]).endsWith('/tini')) {
    problem('ENTRYPOINT is not tini (signals and zombies of a PID 1)');
  }
  if (effective(stages, target, 'STOPSIGNAL') !== 'SIGTERM') problem('STOPSIGNAL is not SIGTERM');
  if (env.get('NODE_ENV') !== 'production') problem('NODE_ENV is not production');
  const cmd = execForm(effective(stages, target, 'CMD'));
  if (!Array.isArray(cmd)) return [...problems, 'CMD is not in exec form'];

  if (target === 'migrate') {
    if (!cmd.join(' ').endsWith('prisma migrate deploy')) problem('CMD is not prisma migrate deploy');
    const copied = lineage.flatMap((s) => s.instructions.filter((i) => i.keyword === 'COPY'));
    for (const needed of ['prisma.config.ts', 'prisma']) {
      if (!copied.some((i) => i.args.split(/\s+/).slice(0, -1).includes(needed))) {
        problem(`does not copy ${needed}`);
      }
    }
    return problems;
  }

  const entry = `dist/apps/${target}/src/main.js`;
  if (!cmd.includes(entry)) problem(`CMD does not run ${entry}`);
  else if (!existsSync(join(root, entry))) problem(`${entry} is not built by npm run build`);
  const healthcheck = effective(stages, target, 'HEALTHCHECK') ?? '';
  const syntax = scriptSyntaxError(execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim()));
  if (!healthcheck.includes('/health')) problem('no HEALTHCHECK of /health');
  else if (syntax) problem(`HEALTHCHECK script does not parse: ${syntax}`);
  // The four services read PORT; the demo receiver has its own variable.
  const service = (SERVICES as readonly string[]).includes(target)
    ? (target as (typeof SERVICES)[number])
    : undefined;
  if (service && env.get('PORT') !== String(DEFAULT_PORTS[service]))
    problem(`ENV PORT is not ${DEFAULT_PORTS[service]}`);
  const installs = lineage
    .flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'RUN' && i.args.includes('npm ci'));
  if (installs.some((i) => !/--omit=dev\b/.test(i.args) || !/--omit=optional\b/.test(i.args))) {
    problem('installs more than production dependencies (npm ci --omit=dev --omit=optional)');
  }
  return problems;
}

const WILDCARDS: Record<string, string> = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' };

/** .dockerignore semantics for the patterns used here: paths, `*` and `**`; a match covers what is below. */
export function ignoreMatcher(patterns: string[]): (path: string) => boolean {
  const regexes = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!')) {
        throw new Error('.dockerignore exceptions (!) are not supported by this check');
      }
      const source = pattern
        .replace(/^\/+|\/+$/g, '')
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((token) =>
          Object.hasOwn(WILDCARDS, token) ? WILDCARDS[token] : token.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return new RegExp(`^${source}(/.*)?$`);
    });
  return (path) => regexes.some((regex) => regex.test(path.replace(/^\.\/|\/+$/g, '')));
}
