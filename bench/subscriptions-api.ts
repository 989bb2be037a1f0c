import type { FilterDocument } from '@smart-dairy/payload-filter';

export interface CreatedSubscription {
  id: string;
  secret: string;
}

/** The two admin calls the bench makes, through the subscriptions service like an operator would. */
export class SubscriptionsApi {
  private readonly baseUrl: string;
  private readonly adminKey: string;

  constructor(baseUrl: string, adminKey: string) {
    this.baseUrl = baseUrl;
    this.adminKey = adminKey;
  }

  async create(
    url: string,
    events: string[],
    { ordering = 'none', filter }: { ordering?: 'none' | 'per_key'; filter?: FilterDocument } = {},
  ): Promise<CreatedSubscription> {
    const body = await this.call('POST', '/v1/subscriptions', 201, {
      url,
      events,
      ordering,
      description: 'bench',
      filter,
    });
    return body as CreatedSubscription;
  }

  async remove(id: string): Promise<void> {
    await this.call('DELETE', `/v1/subscriptions/${id}`, 204);
  }

  private async call(method: string, path: string, expected: number, body?: unknown): Promise<unknown> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
