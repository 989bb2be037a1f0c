import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { at, listAt, stringAt } from './yaml-files';

export const KEYS_SERVICE = 'keys';

/** What the compose `keys` service writes on a first start: path in the container → content. */
export interface GeneratedKeys {
  /** Where the services mount the keys volume. */
  readonly mount?: string;
  readonly files: ReadonlyMap<string, string>;
  readonly problems: string[];
}

/**
 * Runs the `keys` service's `node -e` script here, twice, into a temporary directory standing in
 * for its volume: the first run must write the keys, the second must keep them. Its output is
 * then what the services' `*_FILE` variables are checked with.
 */
export function generateComposeKeys(compose: unknown): GeneratedKeys {
  const where = `compose service ${KEYS_SERVICE}`;
  const command = listAt(compose, 'services', KEYS_SERVICE, 'command');
  const script = command[0] === 'node' && command[1] === '-e' ? command[2] : undefined;
  const mount = stringAt(compose, 'services', KEYS_SERVICE, 'environment', 'KEYS_DIR');
  if (typeof script !== 'string' || !mount) {
    return { files: new Map(), problems: [`${where}: no [node, -e, <script>] command and KEYS_DIR`] };
  }
  const dir = mkdtempSync(join(tmpdir(), 'compose-keys-'));
  try {
    const run = () => {
      const result = spawnSync(process.execPath, ['-e', script], {
        env: { KEYS_DIR: dir },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`${where}: its script failed: ${result.stderr}`);
      return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    };
    const first = run();
    const second = run();
    const problems = [...first]
      .filter(([name, content]) => second.get(name) !== content)
      .map(([name]) => `${where}: a second start replaced ${name}`);
    if (first.size === 0) problems.push(`${where}: its script wrote nothing`);
    const files = new Map([...first].map(([name, content]) => [`${mount}/${name}`, content.trim()]));
    return { mount, files, problems };
  } catch (error) {
    return { mount, files: new Map(), problems: [(error as Error).message] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment as the service sees it at start: each `X_FILE` the keys service writes read as X. */
export function withGeneratedKeys(
  env: Record<string, string>,
  keys: GeneratedKeys,
): { env: Record<string, string>; read: string[]; missing: string[] } {
  const resolved: Record<string, string> = {};
  const read: string[] = [];
  const missing: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const content = name.endsWith('_FILE') ? keys.files.get(value) : undefined;
    if (content !== undefined) {
      resolved[name.slice(0, -'_FILE'.length)] = content;
      read.push(name);
    } else resolved[name] = value;
    if (keys.mount && value.startsWith(`${keys.mount}/`) && content === undefined) missing.push(name);
  }
  return { env: resolved, read, missing };
}

/** Whether a compose service mounts the keys volume (read-only) and waits for the keys service. */
export function usesKeysVolume(service: unknown): boolean {
  const mounts = listAt(service, 'volumes').map(String);
  const waits = at(service, 'depends_on', KEYS_SERVICE, 'condition') === 'service_completed_successfully';
  return waits && mounts.some((m) => m.startsWith(`${KEYS_SERVICE}:`) && m.endsWith(':ro'));
}
