import type { KafkaSecurity } from '@smart-dairy/config';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** kafkajs's `ssl` and `sasl` options for the platform's security settings; neither for plaintext. */
export function connectionSecurity({ tls, sasl }: KafkaSecurity = {}): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    // An empty object still means TLS: kafkajs then checks the broker against the system's CAs.
    ...(tls && {
      ssl: { ...(tls.ca && { ca: [tls.ca] }), ...(tls.cert && { cert: tls.cert, key: tls.key }) },
    }),
    // kafkajs types each SCRAM variant as its own object; a union of the two names is either one.
    ...(sasl && {
      sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions,
    }),
  };
}
