// Lets the bench's TypeScript files run under Node 24's type stripping (`node --import
// ./bench/dist-aliases.ts bench/main.ts`): `@smart-dairy/<lib>` resolves to the compiled library in
// dist/, as it does for the services. Jest maps the same aliases to the sources instead.
//
// This file has no import statement so that Node loads it as CommonJS, where `require` and
// `__dirname` exist; the bench files themselves are ES modules.
const { registerHooks } = require('node:module') as typeof import('node:module');
const { join } = require('node:path') as typeof import('node:path');

const PREFIX = '@smart-dairy/';
const SCHEME = 'smart-dairy-dist:';
const dist = join(__dirname, '..', 'dist', 'libs');

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (!specifier.startsWith(PREFIX)) return nextResolve(specifier, context);
    return { url: SCHEME + specifier.slice(PREFIX.length), shortCircuit: true };
  },
  load(url, context, nextLoad) {
    if (!url.startsWith(SCHEME)) return nextLoad(url, context);
    const file = join(dist, url.slice(SCHEME.length), 'src', 'index.js');
    // swc's CommonJS exports are getters that Node's export detection cannot see, so an ES module
    // facade names them explicitly.
    const names = Object.keys(require(file) as object).filter((n) => n !== '__esModule' && n !== 'default');
    const source = [
      `import { createRequire } from 'node:module';`,
      `const lib = createRequire(${JSON.stringify(file)})(${JSON.stringify(file)});`,
      `export const { ${names.join(', ')} } = lib;`,
      `export default lib;`,
    ].join('\n');
    return { format: 'module', source, shortCircuit: true };
  },
});
