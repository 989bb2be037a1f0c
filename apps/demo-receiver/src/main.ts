import { ConfigError, loadConfig } from '@smart-dairy/config';
import { createServer } from 'node:http';
import { DemoReceiverConfigSchema, type DemoReceiverConfig } from './config';
import { createReceiver } from './receiver';
import { fileSecrets, fixedSecrets } from './secret-source';

let config: DemoReceiverConfig;
try {
  config = loadConfig('demo-receiver', DemoReceiverConfigSchema);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG, as the services
}

const secrets = config.DEMO_RECEIVER_SECRETS_FILE
  ? fileSecrets(config.DEMO_RECEIVER_SECRETS_FILE)
  : fixedSecrets(config.DEMO_RECEIVER_SECRET ?? '');
const server = createServer(createReceiver({ secrets }));
server.listen(config.DEMO_RECEIVER_PORT, '0.0.0.0', () => {
  console.log(`demo receiver listening on port ${config.DEMO_RECEIVER_PORT}`);
});

// Without handlers Node ignores SIGTERM as a container's PID 1; the images run it under tini anyway.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
