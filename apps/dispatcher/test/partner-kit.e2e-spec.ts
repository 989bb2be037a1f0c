import type { PrismaService } from '@smart-dairy/db';
import { repoRoot, waitFor } from '@smart-dairy/stack';
import {
  TestReceiver,
  connectTestPrisma,
  enqueueDeliveries,
  runProcess,
  type ReceivedDelivery,
} from '@smart-dairy/testing';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DispatcherFixture } from './dispatcher-fixture';

jest.setTimeout(120_000);

/**
 * The partner kit against a real delivery from a running dispatcher: @smart-dairy/webhook-consumer built and
 * packed with `npm pack`, installed from the tarball into a project outside the workspace and loaded with
 * `require` and `import` on the machine's Node 20 and on Node 24; the Python verifier (sdks/python); and the
 * CLI's `verify`. Each accepts the delivery and refuses a tampered copy with the same reason.
 */
const SYSTEM_NODE_20 = '/usr/bin/node';
const packageDir = join(repoRoot, 'libs', 'webhook-consumer');
const work = mkdtempSync(join(tmpdir(), 'partner-kit-'));
const app = join(work, 'partner-app');

const run = (
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) => runProcess(file, args, { cwd: repoRoot, ...options });

async function succeed(file: string, args: readonly string[], options?: Parameters<typeof run>[2]) {
  const result = await run(file, args, options);
  if (result.code !== 0)
    throw new Error(`${file} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** Builds and packs the package, and installs the tarball into a fresh project of its own. */
async function installFromTarball(): Promise<void> {
  await succeed('npm', ['run', '--silent', 'package:webhook-consumer']);
  const [{ filename }] = JSON.parse(
    await succeed('npm', ['pack', '--json', '--pack-destination', work], { cwd: packageDir }),
  ) as { filename: string }[];
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'partner-app', private: true }));
  await succeed('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, filename)], {
    cwd: app,
  });
  // Node's types as a partner's project has them, taken from the workspace rather than the registry.
  mkdirSync(join(app, 'node_modules', '@types'));
  symlinkSync(join(repoRoot, 'node_modules', '@types', 'node'), join(app, 'node_modules', '@types', 'node'));
}

const checkScript = (module: 'require' | 'import') => `${
  module === 'require'
    ? "const { readFileSync } = require('node:fs');\nconst { WebhookValidator } = require('@smart-dairy/webhook-consumer');"
    : "import { readFileSync } from 'node:fs';\nimport { WebhookValidator } from '@smart-dairy/webhook-consumer';"
}
const [secret, headersFile, ...bodyFiles] = process.argv.slice(2);
const headers = JSON.parse(readFileSync(headersFile, 'utf8'));
const verify = async (file) => {
  const result = await new WebhookValidator({ secret }).validate(headers, readFileSync(file));
  return result.valid ? 'valid' : result.reason;
};
Promise.all(bodyFiles.map(verify)).then((results) => console.log(JSON.stringify({ node: process.version, results })));
`;

describe('the partner kit verifies a delivery from a running dispatcher', () => {
  let prisma: PrismaService;
  let receiver: TestReceiver;
  let fixture: DispatcherFixture;
  let delivery: ReceivedDelivery;
  let secret: string;
  const files = {
    headers: join(work, 'headers.json'),
    body: join(work, 'body.json'),
    tampered: join(work, 'tampered.json'),
  };

  beforeAll(async () => {
    const installed = installFromTarball();
    prisma = await connectTestPrisma();
    receiver = await new TestReceiver().start();
    fixture = await new DispatcherFixture('kit', prisma, {}).start();
    const subscription = await fixture.subscribe(receiver, 'partner');
    secret = subscription.secret;
    await enqueueDeliveries(prisma, fixture.kafka, { subscriptionId: subscription.id, count: 1 });
    [delivery] = await waitFor(() => receiver.hits('partner').length > 0 && receiver.hits('partner'), {
      description: 'the delivery to arrive',
    });
    writeFileSync(files.headers, JSON.stringify(delivery.headers));
    writeFileSync(files.body, delivery.body);
    const body = delivery.body.toString('utf8');
    const changed = body.replace(/"attempt":1/, '"attempt":2');
    expect(changed).not.toBe(body);
    writeFileSync(files.tampered, changed);
    await installed;
  });

  afterAll(async () => {
    await fixture?.stop();
    await receiver?.stop();
    await prisma?.$disconnect();
  });

  it('receives a signed delivery that the test receiver verified', () => {
    expect(delivery).toMatchObject({ verified: true, eventType: 'order.created', attempt: 1 });
    expect(delivery.headers['x-webhook-signature']).toMatch(/^sha256=/);
  });

  it('installs from the tarball with no dependencies and nothing unpublished inside', () => {
    const installedDir = join(app, 'node_modules', '@smart-dairy', 'webhook-consumer');
    const manifest = JSON.parse(readFileSync(join(installedDir, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.engines).toEqual({ node: '>=20' });
    const shipped = readdirSync(installedDir, { recursive: true, encoding: 'utf8' });
    expect(shipped).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts']));
    expect(shipped.filter((file) => /\.(spec\.)?ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
    const code = shipped.filter((f) => /\.(c|m)?js$|\.d\.m?ts$/.test(f));
    for (const file of code)
      expect(readFileSync(join(installedDir, file), 'utf8')).not.toContain('@smart-dairy/');
  });

  it.each([
    ['Node 20 (system)', SYSTEM_NODE_20, 'require', /^v20\./],
    ['Node 20 (system)', SYSTEM_NODE_20, 'import', /^v20\./],
    ['Node 24', process.execPath, 'require', /^v24\./],
    ['Node 24', process.execPath, 'import', /^v24\./],
  ] as const)(
    'on %s with %s: accepts the delivery and refuses a tampered copy',
    async (_n, node, module, version) => {
      const script = join(app, module === 'require' ? `check-${module}.cjs` : `check-${module}.mjs`);
      writeFileSync(script, checkScript(module));
      const output = await succeed(node, [script, secret, files.headers, files.body, files.tampered], {
        cwd: app,
      });
      expect(JSON.parse(output)).toEqual({
        node: expect.stringMatching(version),
        results: ['valid', 'signature_mismatch'],
      });
    },
  );

  it('type-checks the README receiver (as CommonJS and as an ES module) and the guide sample, with real types', async () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const example = /## A complete receiver[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from '@smart-dairy/webhook-consumer'");
    writeFileSync(join(app, 'receiver.ts'), example!);
    writeFileSync(join(app, 'receiver.mts'), example!);
    const guide = readFileSync(join(repoRoot, 'docs', 'partners.md'), 'utf8');
    const guideSample = /```ts sample=typescript\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(guideSample).toContain("from '@smart-dairy/webhook-consumer'");
    writeFileSync(join(app, 'guide-sample.ts'), guideSample!);
    // Each directive fails the check if the line it covers compiles, as it would with untyped exports.
    writeFileSync(
      join(app, 'misuse.mts'),
      [
        "import { WebhookValidator, statusForFailure } from '@smart-dairy/webhook-consumer';",
        '// @ts-expect-error no such option',
        "new WebhookValidator({ secret: 'whsec_x', tolerance: 60 });",
        '// @ts-expect-error not a failure reason',
        "statusForFailure('bad_signature');",
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['receiver.ts', 'receiver.mts', 'guide-sample.ts', 'misuse.mts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(run(process.execPath, [tsc, '-p', app])).resolves.toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('the Python verifier and the CLI accept it, and refuse the tampered copy with the same reason', async () => {
    const verifyArgs = (body: string) => [
      'verify',
      '--secret',
      secret,
      '--headers',
      files.headers,
      '--body',
      body,
    ];
    const pythonPath = { PYTHONPATH: join(repoRoot, 'sdks', 'python', 'src') };
    const python = (body: string) =>
      run('python3', ['-m', 'smart_dairy_webhooks', ...verifyArgs(body)], { env: pythonPath });
    const launcher = join(repoRoot, 'apps', 'cli', 'bin', 'smart-dairy-webhooks.cjs');
    const cli = (body: string) => run(process.execPath, [launcher, ...verifyArgs(body)]);

    const runs = await Promise.all(
      [python, cli].flatMap((verify) => [verify(files.body), verify(files.tampered)]),
    );
    const valid = {
      code: 0,
      stdout: expect.stringContaining(`valid: order.created delivery ${delivery.deliveryId}, signed at `),
      stderr: '',
    };
    const refused = { code: 1, stdout: expect.stringMatching(/^invalid: signature_mismatch: /), stderr: '' };
    expect(runs).toEqual([valid, refused, valid, refused]);
  });
});
