// Builds the publishable @smart-dairy/webhook-consumer into libs/webhook-consumer/dist: CommonJS with type
// declarations from tsc, the signing code it uses from libs/signing compiled in beside it (dist/signing/),
// so the package depends on nothing unpublished, and an ES module entry that wraps the CommonJS one.
// `npm run package:webhook-consumer`; then `npm pack` in libs/webhook-consumer.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..', '..', '..');
const libs = join(root, 'libs');
const packageDir = join(libs, 'webhook-consumer');
const outDir = join(packageDir, 'dist');
const emitDir = join(outDir, '.emit');
/** Where each bundled source folder lands in dist/, and the alias that points at it. */
const placements = [
  { from: join(emitDir, 'webhook-consumer', 'src'), to: outDir },
  { from: join(emitDir, 'signing', 'src'), to: join(outDir, 'signing'), alias: '@smart-dairy/signing' },
];

const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022, // Node 20
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  declaration: true,
  rootDir: libs,
  outDir: emitDir,
  types: ['node'],
  // Absolute, since there is no tsconfig file here for the relative ones to start from.
  paths: Object.fromEntries(
    Object.entries<string[]>(compilerOptions.paths).map(([alias, targets]) => [
      alias,
      targets.map((target) => join(root, target)),
    ]),
  ),
};

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
const sources = ts.sys
  .readDirectory(join(packageDir, 'src'), ['.ts'])
  .filter((file) => !file.endsWith('.spec.ts'));
const program = ts.createProgram(sources, options);
const problems = ts.getPreEmitDiagnostics(program);
const written: string[] = [];
const { diagnostics } = program.emit(undefined, (file, text) => {
  const placement = placements.find(({ from }) => file.startsWith(`${from}/`));
  // Anything else pulled in would be a dependency the published package cannot have.
  if (placement === undefined) throw new Error(`the package would need ${relative(emitDir, file)}`);
  const target = join(placement.to, relative(placement.from, file));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, withAliasesResolved(text, dirname(target)));
  written.push(target);
});
const errors = [...problems, ...diagnostics];
if (errors.length > 0) {
  const host = {
    getCanonicalFileName: (f: string) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnostics(errors, host));
  process.exit(1);
}

// One implementation behind both entries (Node's "ES module wrapper" approach): `import` and `require` in
// the same process share the validator classes and the in-memory replay store instead of loading two copies.
const exportNames = Object.keys(createRequire(import.meta.url)(join(outDir, 'index.js'))).sort();
writeFileSync(
  join(outDir, 'index.mjs'),
  `import cjs from './index.js';\n\nexport const {\n${exportNames.map((name) => `  ${name},\n`).join('')}} = cjs;\n`,
);
writeFileSync(join(outDir, 'index.d.mts'), "export * from './index.js';\n");
rmSync(emitDir, { recursive: true, force: true });
console.log(
  `built @smart-dairy/webhook-consumer (${written.length + 2} files, ${exportNames.length} exports) ` +
    `in ${Math.round(performance.now() - started)} ms`,
);

function withAliasesResolved(text: string, fromDir: string): string {
  return placements.reduce((result, { alias, to }) => {
    if (alias === undefined) return result;
    const specifier = `./${relative(fromDir, join(to, 'index.js'))}`.replace(/^\.\/\.\.\//, '../');
    return result.replaceAll(`'${alias}'`, `'${specifier}'`).replaceAll(`"${alias}"`, `"${specifier}"`);
  }, text);
}
