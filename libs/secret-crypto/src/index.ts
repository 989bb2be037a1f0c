export { SecretCipher, SecretCipherError, type SecretBinding } from './secret-cipher';
export { reencryptSubscriptionSecrets, type ReencryptionResult } from './secret-reencryption';
export {
  openHeaders,
  parseSealedHeaders,
  resealHeaders,
  sealHeaders,
  type OpenHeader,
  type SealedHeader,
} from './sealed-headers';
