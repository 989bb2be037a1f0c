import {
  Controller,
  HttpCode,
  HttpException,
  Module,
  Post,
  Req,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { WebhookGuard } from './nest-guard';
import { statusForFailure } from './validation-result';
import { verifiedWebhookOf } from './verified-webhooks';
import { WebhookValidator } from './webhook-validator';

const validator = new WebhookValidator({ secret: 'whsec_partner_secret' });
// Each case sends its own delivery id, since the validator it shares with the others refuses replays.
const bodyOf = (id: string) =>
  JSON.stringify({
    id,
    event: 'inventory.low',
    timestamp: '2026-03-02T06:00:00Z',
    webhook_id: 'sub_2b7c41d9',
    attempt: 3,
    data: { product_id: 'PROD-BUTTER-SALTED-250G' },
  });

@Controller('webhooks')
class WebhookController {
  @Post('default')
  @HttpCode(200)
  @UseGuards(new WebhookGuard(validator))
  receive(@Req() request: IncomingMessage) {
    return { handled: verifiedWebhookOf(request)?.deliveryId };
  }

  @Post('custom')
  @HttpCode(200)
  @UseGuards(
    new WebhookGuard(validator, {
      rejection: (failure) =>
        new HttpException(
          { reason: failure.reason, message: failure.message },
          statusForFailure(failure.reason),
        ),
    }),
  )
  receiveWithCustomRejection(@Req() request: IncomingMessage) {
    return { handled: verifiedWebhookOf(request)?.deliveryId };
  }
}

@Module({ controllers: [WebhookController] })
class WebhookModule {}

describe('WebhookGuard in a Nest app created with rawBody: true', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create(WebhookModule, { rawBody: true, logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });
  afterAll(() => app.close());

  const post = async (route: string, body: string, tamper: Record<string, string> = {}) => {
    const headers = { ...validator.generateSignature(body), ...tamper };
    const response = await fetch(`${baseUrl}/webhooks/${route}`, { method: 'POST', headers, body });
    return { status: response.status, json: await response.json() };
  };

  it.each(['default', 'custom'])('lets a valid delivery through to the %s route', async (route) => {
    const id = `wh_valid_${route}`;
    await expect(post(route, bodyOf(id))).resolves.toEqual({ status: 200, json: { handled: id } });
  });

  it.each([
    ['default', { statusCode: 401, message: expect.stringMatching(/^signature_mismatch: /) }],
    ['custom', { reason: 'signature_mismatch', message: expect.any(String) }],
  ])('rejects a forged delivery with 401 on the %s route', async (route, json) => {
    const forged = { 'X-Webhook-Signature': 'sha256=forged' };
    await expect(post(route, bodyOf(`wh_forged_${route}`), forged)).resolves.toEqual({ status: 401, json });
  });

  it('rejects a delivery without headers with 400', async () => {
    const noSignature = { 'X-Webhook-Signature': '', 'X-Webhook-Timestamp': '' };
    await expect(post('default', bodyOf('wh_unsigned'), noSignature)).resolves.toMatchObject({
      status: 400,
      json: { message: expect.stringMatching(/^missing_headers: /) },
    });
  });
});
