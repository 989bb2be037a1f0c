import { randomBytes } from 'node:crypto';

/**
 * A key ring generated per test process: the services a suite spawns get it (serviceEnv) and the
 * factories encrypt with it, so a suite may run a service under production rules, which refuse
 * the development ring published in this repository.
 */
export const TEST_SECRET_ENCRYPTION_KEYS = `test-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}`;
