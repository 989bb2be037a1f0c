import { verifySignature } from '@smart-dairy/signing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** How an endpoint answers: 200, never, or 503. */
export type Answer = 'ok' | 'hang' | 'unavailable';

export interface Receipt {
  deliveryId: string;
  /** `data.order_id` of the event: the bench's key for when it was published. */
  eventKey: string;
  attempt: number;
  /** performance.now() of this process when the request was verified. */
  at: number;
  /** The status answered, 0 when the request was left hanging. */
  status: number;
}

interface Endpoint {
  secret: string;
  answer: Answer;
  /** Every verified request, in arrival order. */
  receipts: Receipt[];
  /** The first 2xx-answered receipt of each counted delivery. */
  delivered: Map<string, Receipt>;
}

export interface ReceiverOptions {
  /** Deliveries of these events (warm-up probes) are received but not counted as delivered. */
  uncounted?: (eventKey: string) => boolean;
}

const TOLERANCE_SECONDS = 300;
const STATUS: Record<Exclude<Answer, 'hang'>, number> = { ok: 200, unavailable: 503 };

/**
 * The partner side of the bench: plain node:http with keep-alive, every request verified (HMAC over
 * timestamp and raw body, timestamp window, id header repeating the signed id) before it counts. It
 * does as little else as possible, because it shares the machine with the stack it measures.
 */
export class FastReceiver {
  /** Requests that failed verification or went to an unknown path, with why. */
  readonly rejected: { path: string; reason: string }[] = [];
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  private port = 0;

  private readonly options: ReceiverOptions;

  constructor(options: ReceiverOptions = {}) {
    this.options = options;
  }

  async start(): Promise<this> {
    const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => this.collect(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Registers an endpoint (or replaces its secret) and returns its URL. */
  endpoint(path: string, secret: string, answer: Answer = 'ok'): string {
    if (this.endpoints.has(path)) throw new Error(`endpoint ${path} exists`);
    this.endpoints.set(path, { secret, answer, receipts: [], delivered: new Map() });
    return this.url(path);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}/${path}`;
  }

  answer(path: string, answer: Answer): void {
    this.known(path).answer = answer;
  }

  receipts(path: string): readonly Receipt[] {
    return this.known(path).receipts;
  }

  delivered(path: string): ReadonlyMap<string, Receipt> {
    return this.known(path).delivered;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private known(path: string): Endpoint {
    const endpoint = this.endpoints.get(path);
    if (!endpoint) throw new Error(`no endpoint ${path}`);
    return endpoint;
  }

  private collect(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () =>
      this.handle(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const path = (req.url ?? '/').slice(1);
    const endpoint = this.endpoints.get(path);
    const verdict = endpoint ? verify(endpoint.secret, req, body) : 'unknown path';
    if (typeof verdict === 'string' || !endpoint) {
      this.rejected.push({ path, reason: typeof verdict === 'string' ? verdict : 'unknown path' });
      res.writeHead(401).end();
      return;
    }
    const status = endpoint.answer === 'hang' ? 0 : STATUS[endpoint.answer];
    const receipt = { ...verdict, at: performance.now(), status };
    endpoint.receipts.push(receipt);
    if (
      status === 200 &&
      !endpoint.delivered.has(receipt.deliveryId) &&
      !this.options.uncounted?.(receipt.eventKey)
    ) {
      endpoint.delivered.set(receipt.deliveryId, receipt);
    }
    if (status === 0) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  }
}

/** The delivery's identity if the request is authentic, or why it is not. */
function verify(
  secret: string,
  req: IncomingMessage,
  body: Buffer,
): Pick<Receipt, 'deliveryId' | 'eventKey' | 'attempt'> | string {
  const signature = req.headers['x-webhook-signature'];
  const timestamp = Number(req.headers['x-webhook-timestamp']);
  const deliveryId = req.headers['x-webhook-id'];
  if (typeof signature !== 'string' || typeof deliveryId !== 'string') return 'missing headers';
  if (!(Math.abs(Date.now() / 1000 - timestamp) <= TOLERANCE_SECONDS)) return 'timestamp outside the window';
  if (!verifySignature({ secrets: [secret], timestamp, body, signature })) return 'signature mismatch';
  let envelope: { id?: unknown; attempt?: unknown; data?: { order_id?: unknown } };
  try {
    envelope = JSON.parse(body.toString('utf8')) as typeof envelope;
  } catch {
    return 'body is not JSON';
  }
  if (envelope.id !== deliveryId) return 'X-Webhook-ID differs from the signed id';
  return { deliveryId, eventKey: String(envelope.data?.order_id), attempt: Number(envelope.attempt) };
}
