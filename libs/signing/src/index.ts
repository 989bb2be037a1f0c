export {
  SIGNATURE_HEADER,
  SIGNATURE_PREFIX,
  TIMESTAMP_HEADER,
  sign,
  verifySignature,
  type SignableBody,
  type SignatureCheck,
} from './signature';
export { SECRET_PREFIX, generateSecret } from './secret-generation';
export {
  DEFAULT_SIGNATURE_SCHEME,
  SIGNATURE_SCHEMES,
  isSignatureScheme,
  secretFitsScheme,
  type SignatureScheme,
} from './signature-scheme';
export { activeSecrets, rotateSecret, type Rotation, type SecretSet } from './secret-rotation';
export {
  STANDARD_WEBHOOK_HEADERS,
  signStandardWebhook,
  standardWebhookKey,
  verifyStandardWebhook,
  type StandardWebhookCheck,
  type StandardWebhookContent,
} from './standard-webhooks';
