export { SecretCipher, SecretCipherError, type SecretBinding } from './secret-cipher';
export { reencryptSubscriptionSecrets, type ReencryptionResult } from './secret-reencryption';
