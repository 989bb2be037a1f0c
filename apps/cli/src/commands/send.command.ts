import { EVENT_CATALOG, type Problem } from '@smart-dairy/schemas';
import { secretFitsScheme } from '@smart-dairy/signing';
import { EXIT_FAILED, EXIT_OK, UsageError, defineCommand } from '../command';
import { messageOf } from '../error-message';
import { parseEventData } from '../send/event-data';
import { postDelivery } from '../send/post-delivery';
import { TEST_SUBSCRIPTION_ID, buildTestDelivery } from '../send/test-delivery';
import { eventTypeOption, httpUrlOption, integerOption, readOptionFile, schemeOption } from './options';

export const sendCommand = defineCommand({
  name: 'send',
  summary: 'sign a test delivery as Smart Dairy does and POST it to your endpoint',
  options: {
    url: { value: '<endpoint>', help: 'the URL to POST to', required: true },
    secret: { value: '<secret>', help: "the subscription's signing secret (whsec_...)", required: true },
    event: { value: '<type>', help: 'the event type; `events` lists them', required: true },
    data: { value: '<file.json>', help: "the event's data; a realistic sample of the type when omitted" },
    id: { value: '<delivery id>', help: 'the delivery id (X-Webhook-ID); a fresh wh_... id when omitted' },
    subscription: { value: '<id>', help: `the envelope's webhook_id (default ${TEST_SUBSCRIPTION_ID})` },
    attempt: { value: '<n>', help: 'the attempt number (default 1)' },
    scheme: {
      value: '<scheme>',
      help: "the subscription's signature scheme: smart-dairy (default) or standard-webhooks",
    },
  },
  notes:
    'The delivery is built as the platform builds it: the envelope, the X-Webhook-* headers (or with\n' +
    '--scheme standard-webhooks the webhook-* ones, for a whsec_ secret of standard base64) and an\n' +
    'HMAC-SHA256 signature over a fresh timestamp. A --data file is checked against the schema of the event\n' +
    'type first, listing every problem, and sent as written, as the platform sends the data of a producer.\n' +
    "Prints the endpoint's status and body; exits 0 on a 2xx answer, 1 otherwise, 2 when the command line\n" +
    'or the data file is wrong.',
  async run(values, io) {
    const url = httpUrlOption('url', values.url);
    const event = eventTypeOption(values.event);
    const attempt = integerOption('attempt', values.attempt ?? '1', 1);
    const scheme = values.scheme === undefined ? undefined : schemeOption(values.scheme);
    if (scheme === 'standard-webhooks' && !secretFitsScheme(values.secret, scheme)) {
      throw new UsageError(
        '--secret is not a Standard Webhooks secret: whsec_ + standard base64 of 24 to 64 bytes',
      );
    }
    let data = EVENT_CATALOG[event].sample;
    let dataJson: string | undefined;
    if (values.data !== undefined) {
      const parsed = parseEventData(event, (await readOptionFile('data', values.data)).toString('utf8'));
      if (!parsed.ok) {
        throw new UsageError(
          `${values.data} is not valid ${event} data:\n${parsed.problems.map(line).join('\n')}`,
        );
      }
      ({ data, dataJson } = parsed);
    }

    const delivery = buildTestDelivery({
      event,
      data,
      dataJson,
      secret: values.secret,
      scheme,
      deliveryId: values.id,
      subscriptionId: values.subscription,
      attempt,
    });
    io.out(`POST ${url.href}  ${event}  delivery ${delivery.envelope.id}  attempt ${attempt}`);
    try {
      const response = await postDelivery(url, delivery);
      io.out(`HTTP ${response.status}`);
      if (response.body !== '') io.out(response.body);
      return response.status >= 200 && response.status < 300 ? EXIT_OK : EXIT_FAILED;
    } catch (error) {
      io.err(`request failed: ${messageOf(error)}`);
      return EXIT_FAILED;
    }
  },
});

function line({ path, message }: Problem): string {
  return `  ${path === '' ? '(data)' : path}: ${message}`;
}
