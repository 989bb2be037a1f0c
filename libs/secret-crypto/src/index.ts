export { SecretCipher, SecretCipherError } from './secret-cipher';
