import { checkDatabase } from './check-database';

type Pinger = Parameters<typeof checkDatabase>[0];
const pinger = (answer: () => Promise<unknown>) => ({ $queryRaw: answer }) as unknown as Pinger;

describe('checkDatabase', () => {
  it('resolves when the database answers', async () => {
    await expect(checkDatabase(pinger(async () => [{ '?column?': 1 }]))).resolves.toBeUndefined();
  });

  it('rejects with the driver error', async () => {
    await expect(checkDatabase(pinger(() => Promise.reject(new Error('ECONNREFUSED'))))).rejects.toThrow(
      'ECONNREFUSED',
    );
  });

  it('rejects when no answer comes within the timeout', async () => {
    await expect(
      checkDatabase(
        pinger(() => new Promise(() => undefined)),
        20,
      ),
    ).rejects.toThrow('database did not answer within 20 ms');
  });
});
