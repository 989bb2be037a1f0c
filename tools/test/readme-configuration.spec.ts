import { repoRoot } from '@smart-dairy/stack';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIGURED_APPS, loadConfigSchemas, objectShape } from '../deploy-checks';

/** Variables the README documents: every `NAME` in the first column of a table, or named in prose. */
function documentedVariables(readme: string): Set<string> {
  const names = new Set<string>();
  for (const line of readme.split('\n')) {
    const cell = /^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/.exec(line);
    if (cell?.[1]) names.add(cell[1]);
  }
  for (const match of readme.matchAll(/`(DEMO_RECEIVER_[A-Z_]+)`/g)) names.add(match[1] as string);
  return names;
}

describe('the README configuration reference', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const documented = documentedVariables(readme);
  const schemas = loadConfigSchemas(repoRoot);
  const read = new Set(CONFIGURED_APPS.flatMap((app) => Object.keys(objectShape(schemas[app]))));

  it.each(CONFIGURED_APPS)('documents every variable %s reads', (app) => {
    const missing = Object.keys(objectShape(schemas[app])).filter((name) => !documented.has(name));
    expect(missing).toEqual([]);
  });

  it('documents no variable that no service reads', () => {
    expect([...documented].filter((name) => !read.has(name))).toEqual([]);
  });
});
