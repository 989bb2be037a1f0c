import { repoRoot } from '@smart-dairy/stack';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

interface Target {
  cache?: boolean;
  parallelism?: boolean;
}
interface ProjectNode {
  data: { root: string; targets: Record<string, Target> };
}
interface Graph {
  nodes: Record<string, ProjectNode>;
  dependencies: Record<string, { target: string }[]>;
}

/** The project graph exactly as `npx nx graph --file=graph.json` writes it, without the daemon or Nx Cloud. */
function projectGraph(): Graph {
  const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'graph', `--file=${file}`], {
      cwd: repoRoot,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'ignore',
    });
    return (JSON.parse(readFileSync(file, 'utf8')) as { graph: Graph }).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files of a project as Nx sees them: tracked or untracked, but not ignored by git. */
function projectFiles(root: string): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', root], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return listed.split('\n').filter(Boolean);
}

/** The projects a project's sources import through their `@smart-dairy/<name>` aliases. */
function importedProjects(root: string, projectOfAlias: Map<string, string>): string[] {
  const imported = new Set<string>();
  for (const file of projectFiles(root).filter((f) => /\.(ts|mts|js|cjs)$/.test(f))) {
    // TypeScript's own scanner: import, export ... from, require() and import(), never text in a string.
    const { importedFiles } = ts.preProcessFile(readFileSync(join(repoRoot, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles.filter((f) => f.fileName.startsWith('@smart-dairy/'))) {
      const project = projectOfAlias.get(fileName.slice('@smart-dairy/'.length));
      if (!project) throw new Error(`${file} imports ${fileName}, which tsconfig.base.json does not map`);
      imported.add(project);
    }
  }
  return [...imported].sort();
}

/** Targets a project must have, from what it contains; `extras` are the few that are specific to one project. */
function expectedTargets(root: string): string[] {
  const files = projectFiles(root);
  const extras: Record<string, string[]> = {
    'libs/db': ['generate'],
    'libs/webhook-consumer': ['package'],
    tools: ['chaos'],
  };
  return [
    ...(/^(apps|libs)\//.test(root) ? ['build'] : []),
    'typecheck',
    'lint',
    ...(files.some((f) => f.endsWith('.spec.ts') && !f.endsWith('.e2e-spec.ts')) ? ['test'] : []),
    ...(files.some((f) => f.endsWith('.e2e-spec.ts')) ? ['e2e'] : []),
    ...(extras[root] ?? []),
  ].sort();
}

describe('the Nx workspace', () => {
  let graph: Graph;
  beforeAll(() => {
    graph = projectGraph();
  }, 120_000);

  const projects = () => Object.entries(graph.nodes);

  it('has every app and lib, tools and bench as a project', () => {
    const roots = projects().map(([, node]) => node.data.root);
    const folders = ['apps', 'libs'].flatMap((top) =>
      projectFiles(top)
        .filter((f) => f.endsWith('/project.json'))
        .map((f) => f.slice(0, -'/project.json'.length)),
    );
    expect(roots.sort()).toEqual([...folders, 'bench', 'tools'].sort());
  });

  it('has one graph edge per project a project imports, and no other (the edges of `nx graph`)', () => {
    const paths = (
      JSON.parse(readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8')) as {
        compilerOptions: { paths: Record<string, string[]> };
      }
    ).compilerOptions.paths;
    const projectOfAlias = new Map(
      Object.entries(paths).map(([alias, [target]]) => {
        const owner = projects().find(([, node]) => (target as string).startsWith(`./${node.data.root}/`));
        return [alias.replace('@smart-dairy/', ''), owner?.[0] ?? `no project owns ${target}`];
      }),
    );
    for (const [name, node] of projects()) {
      const edges = [...new Set((graph.dependencies[name] ?? []).map((d) => d.target))].filter(
        (t) => t in graph.nodes,
      );
      expect({ project: name, dependsOn: edges.sort() }).toEqual({
        project: name,
        dependsOn: importedProjects(node.data.root, projectOfAlias),
      });
    }
  });

  it('gives every project the targets its files call for', () => {
    for (const [name, node] of projects()) {
      // Nx adds nx-release-publish to a project with a package.json (the publishable webhook-consumer).
      const targets = Object.keys(node.data.targets).filter((t) => t !== 'nx-release-publish');
      expect({ project: name, targets: targets.sort() }).toEqual({
        project: name,
        targets: expectedTargets(node.data.root),
      });
    }
  });

  it('caches build, typecheck, lint and unit tests, and runs tests on the shared broker one at a time', () => {
    for (const [name, node] of projects()) {
      const { build, typecheck, lint, test, e2e } = node.data.targets;
      for (const [target, config] of Object.entries({ build, typecheck, lint })) {
        if (config)
          expect({ task: `${name}:${target}`, cache: config.cache }).toEqual({
            task: `${name}:${target}`,
            cache: true,
          });
      }
      // tools' unit tests read the README, the deployment files and every app's dist/: no input list would be honest.
      if (test && name !== 'tools')
        expect({ task: `${name}:test`, cache: test.cache }).toEqual({ task: `${name}:test`, cache: true });
      if (e2e)
        expect({ task: `${name}:e2e`, parallelism: e2e.parallelism }).toEqual({
          task: `${name}:e2e`,
          parallelism: false,
        });
    }
    expect(graph.nodes.tools?.data.targets.chaos?.parallelism).toBe(false);
  });
});
