import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Read directly instead of through env(), which throws when the variable is unset:
  // `prisma generate` must work without a database.
  datasource: { url: process.env.DATABASE_URL },
});
