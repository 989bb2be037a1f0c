import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { HealthEndpoints } from './health-endpoints';
import type { Logger } from './logger';
import { LOGGER } from './tokens';

export const MANAGEMENT_PORT = Symbol('MANAGEMENT_PORT');

/**
 * A second listener for /health, /ready and /metrics, so that a NetworkPolicy can let only the
 * monitoring namespace reach them while API clients reach the service port: a policy sees ports,
 * not paths.
 */
@Injectable()
export class ManagementServer implements OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    private readonly endpoints: HealthEndpoints,
    @Inject(MANAGEMENT_PORT) private readonly port: number,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Called once the service port listens, so that /ready never answers for a service not serving yet. */
  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://management').pathname;
      const answered = req.method === 'GET' ? this.endpoints.answer(path) : Promise.resolve(undefined);
      answered.then(
        (answer) => {
          res.writeHead(answer?.status ?? 404, {
            'content-type': answer?.contentType ?? 'text/plain',
            'cache-control': 'no-store',
          });
          res.end(answer?.body ?? 'not found');
        },
        (error: unknown) => {
          this.logger.error({ err: error, path }, 'management endpoint failed');
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '0.0.0.0', resolve);
    });
    this.server = server;
    this.logger.info({ port: this.port }, 'management endpoints listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
