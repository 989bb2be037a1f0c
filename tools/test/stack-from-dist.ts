import { join } from 'node:path';

// Jest's global setup runs outside its module registry, so the @smart-dairy/* aliases do not
// resolve there: it uses the compiled stack library that `npm test` builds first.
type Stack = typeof import('../../libs/stack/src/index');

export const stack: Stack = require(join(__dirname, '..', '..', 'dist', 'libs', 'stack', 'src', 'index.js'));
