import { WebhookValidator } from '@smart-dairy/webhook-consumer';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an endpoint of the receiver does with a request. */
export type Behaviour =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'huge-body'; bytes: number }
  | { kind: 'trickle'; bytes: number; everyMs: number };

export interface ReceivedDelivery {
  path: string;
  deliveryId: string;
  eventType: string;
  attempt: number;
  verified: boolean;
  reason?: string;
  receivedAt: number;
  envelope: unknown;
  /** The request as it arrived, for tests that verify it again elsewhere. */
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const OK: Behaviour = { kind: 'status', status: 200, body: 'ok' };

/**
 * A real HTTP receiver on 127.0.0.1 for integration tests. Each path is one endpoint with its own
 * secret and a scripted series of behaviours (the last one repeats); every request is verified
 * with the partners' consumer package and recorded.
 */
export class TestReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly endpoints = new Map<
    string,
    { validator: WebhookValidator | null; script: Behaviour[]; hits: number }
  >();
  private readonly sockets = new Set<import('node:net').Socket>();
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}/${path}`;
  }

  /** Registers an endpoint; `secret` null accepts without verifying. Returns its URL. */
  endpoint(path: string, secret: string | string[] | null, ...script: Behaviour[]): string {
    const validator =
      secret === null ? null : new WebhookValidator(Array.isArray(secret) ? { secrets: secret } : { secret });
    this.endpoints.set(path, { validator, script: script.length ? script : [OK], hits: 0 });
    return this.url(path);
  }

  /** Replaces what an endpoint does from now on (e.g. a failing endpoint recovers). */
  script(path: string, ...script: Behaviour[]): void {
    const endpoint = this.endpoints.get(path);
    if (!endpoint) throw new Error(`no endpoint ${path}`);
    endpoint.script = script;
    endpoint.hits = 0;
  }

  hits(path: string): ReceivedDelivery[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').slice(1);
    const endpoint = this.endpoints.get(path);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (!endpoint) {
      res.writeHead(404).end();
      return;
    }
    const result = endpoint.validator ? await endpoint.validator.validate(req.headers, body) : undefined;
    let envelope: { id?: string; event?: string; attempt?: number } = {};
    try {
      envelope = JSON.parse(body.toString('utf8'));
    } catch {
      // recorded as unverified below
    }
    this.received.push({
      path,
      deliveryId: String(req.headers['x-webhook-id'] ?? envelope.id),
      eventType: String(req.headers['x-event-type'] ?? envelope.event),
      attempt: Number(envelope.attempt),
      verified: result ? result.valid : true,
      ...(result && !result.valid ? { reason: result.reason } : {}),
      receivedAt: Date.now(),
      envelope,
      headers: req.headers,
      body,
    });
    const behaviour = endpoint.script[Math.min(endpoint.hits, endpoint.script.length - 1)] ?? OK;
    endpoint.hits++;
    await this.respond(behaviour, req, res);
  }

  private async respond(behaviour: Behaviour, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (behaviour.kind) {
      case 'status':
        if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
        res.writeHead(behaviour.status, behaviour.headers).end(behaviour.body ?? '');
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'huge-body': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        for (let sent = 0; sent < behaviour.bytes && !res.destroyed; sent += chunk.length) {
          if (!res.write(chunk)) await drainedOrClosed(res);
        }
        res.end();
        return;
      }
      case 'trickle':
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < behaviour.bytes && !res.destroyed; i++) {
          res.write('.');
          await new Promise((r) => setTimeout(r, behaviour.everyMs));
        }
        res.end();
        return;
    }
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
