import { ServiceProcess, freePort, type ServiceName } from '@smart-dairy/stack';
import { serviceEnv } from './test-kafka';

/** A service from dist/ on a free port, the suite's topics and the test database, once it is ready. */
export async function startTestService(
  name: ServiceName,
  prefix: string,
  env: NodeJS.ProcessEnv = {},
  onLine?: (line: string) => void,
): Promise<ServiceProcess> {
  const service = new ServiceProcess(name, {
    port: await freePort(),
    env: serviceEnv(prefix, env),
    onLine,
  }).start();
  await service.waitUntilReady();
  return service;
}
