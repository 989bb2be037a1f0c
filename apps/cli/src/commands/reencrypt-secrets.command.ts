import { PrismaService } from '@smart-dairy/db';
import { SecretCipher, reencryptSubscriptionSecrets } from '@smart-dairy/secret-crypto';
import { EXIT_FAILED, EXIT_OK, UsageError, defineCommand } from '../command';

export const reencryptSecretsCommand = defineCommand({
  name: 'reencrypt-secrets',
  summary: 'operators: move every stored signing secret under the first key of SECRET_ENCRYPTION_KEYS',
  notes:
    'Reads SECRET_ENCRYPTION_KEYS (and DATABASE_URL unless --database-url is given) from the environment, ' +
    'so no key appears on the command line. Exit 0 when every secret is under the first key: the others ' +
    'can then be removed from the ring.',
  options: {
    'database-url': { value: '<url>', help: 'Postgres URL; defaults to DATABASE_URL' },
  },
  async run(values, io) {
    const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
    const keyRing = process.env.SECRET_ENCRYPTION_KEYS;
    if (!databaseUrl) throw new UsageError('set DATABASE_URL or pass --database-url');
    if (!keyRing) throw new UsageError('set SECRET_ENCRYPTION_KEYS to the key ring, new key first');
    const cipher = SecretCipher.fromKeyRing(keyRing);
    const prisma = new PrismaService({ databaseUrl, poolSize: 2 });
    await prisma.onModuleInit();
    try {
      const { reencrypted, failed } = await reencryptSubscriptionSecrets(prisma, cipher);
      io.out(`re-encrypted ${reencrypted} secret(s)`);
      if (failed.length === 0) return EXIT_OK;
      io.err(
        `cannot open the secrets of ${failed.length} subscription(s): ${failed.slice(0, 20).join(', ')}`,
      );
      return EXIT_FAILED;
    } finally {
      await prisma.onApplicationShutdown();
    }
  },
});
