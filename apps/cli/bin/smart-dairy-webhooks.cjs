#!/usr/bin/env node
'use strict';
// The CLI runs from the build output: run `npm run build` first.
require('../../../dist/apps/cli/src/main.js');
