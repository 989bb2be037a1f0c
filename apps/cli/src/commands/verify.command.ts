import { DEFAULT_TOLERANCE_SECONDS } from '@smart-dairy/webhook-consumer';
import { EXIT_FAILED, EXIT_OK, UsageError, defineCommand } from '../command';
import { parseCapturedHeaders } from '../verify/captured-headers';
import { verifyCapturedDelivery } from '../verify/verify-delivery';
import { integerOption, readOptionFile } from './options';

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'check a captured delivery: signature, signing time and headers',
  options: {
    secret: { value: '<secret>', help: "the subscription's signing secret (whsec_...)", required: true },
    headers: {
      value: '<file>',
      help: 'the request headers: a JSON object, or one "Name: value" per line',
      required: true,
    },
    body: { value: '<file>', help: 'the request body, byte for byte', required: true },
    tolerance: {
      value: '<seconds>',
      help: `how old the signature may be (default ${DEFAULT_TOLERANCE_SECONDS})`,
    },
  },
  notes:
    "Checks the delivery as @smart-dairy/webhook-consumer does: the platform's signature headers, or the\n" +
    'Standard Webhooks ones (webhook-id, webhook-timestamp, webhook-signature). Prints valid or invalid\n' +
    'with the reason; exits 0 when valid, 1 when invalid, 2 when the command line or a file is wrong.\n\n' +
    'Save the body exactly as received: an editor adding a final newline breaks the signature. A delivery\n' +
    'captured more than 5 minutes ago fails as timestamp_too_old unless --tolerance covers its age.',
  async run(values, io) {
    const toleranceSeconds =
      values.tolerance === undefined ? undefined : integerOption('tolerance', values.tolerance, 0);
    const headers = parseCapturedHeaders((await readOptionFile('headers', values.headers)).toString('utf8'));
    if (!headers.ok) throw new UsageError(`${values.headers}: ${headers.message}`);
    const body = await readOptionFile('body', values.body);

    const result = await verifyCapturedDelivery({
      secret: values.secret,
      headers: headers.headers,
      body,
      toleranceSeconds,
    });
    if (!result.valid) {
      io.out(`invalid: ${result.reason}: ${result.message}`);
      return EXIT_FAILED;
    }
    const signedAt = new Date(result.timestamp * 1000).toISOString();
    io.out(`valid: ${result.eventType} delivery ${result.deliveryId}, signed at ${signedAt}`);
    return EXIT_OK;
  },
});
