// Compiles apps/ and libs/ to dist/ with swc, rewriting the @smart-dairy/* aliases of
// tsconfig.base.json into relative requires so that `node dist/apps/<svc>/src/main.js` runs
// without a loader. Type checking is tsc's job (`npm run typecheck`), not this script's.
//
// `node tools/build.mts apps/dispatcher libs/kafka` compiles only those projects (Nx's `build`
// target runs it per project, into dist/<project root>); without arguments, every app and lib.
import { transformFile, type Options } from '@swc/core';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const outDir = join(root, 'dist');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

const options: Options = {
  sourceMaps: true,
  module: { type: 'commonjs', strict: true },
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    baseUrl: root,
    paths: compilerOptions.paths,
  },
};

// Tests are not compiled: nothing runs them from dist/, and Nx's `production` input leaves them out.
const isTest = (f: string) => /[.-]spec\.[jt]s$/.test(f);
const isSource = (f: string) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !isTest(f);
const isAsset = (f: string) => /\.(html|css|js|svg|json)$/.test(f) && !isTest(f);

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

const requested = process.argv.slice(2);
const projects = requested.length
  ? requested.map((project) => relative(root, join(root, project)))
  : ['apps', 'libs'].flatMap((top) => readdirSync(join(root, top)).map((name) => join(top, name)));

const started = performance.now();
// A project build owns dist/<project root> only, so builds of several projects can run at once.
for (const target of requested.length ? projects.map((p) => join(outDir, p)) : [outDir]) {
  rmSync(target, { recursive: true, force: true });
}
const sources: string[] = [];
for (const project of projects) {
  const src = join(root, project, 'src');
  try {
    for (const file of walk(src)) {
      const target = join(outDir, relative(root, file));
      if (isSource(file)) sources.push(file);
      else if (isAsset(file)) {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(file, target);
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

await Promise.all(
  sources.map(async (file) => {
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, { ...options, filename: file, outputPath: target });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, map ? `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map` : code);
    if (map) writeFileSync(`${target}.map`, map);
  }),
);
console.log(
  `built ${sources.length} files of ${projects.length} project(s) into dist/ in ${Math.round(performance.now() - started)} ms`,
);
