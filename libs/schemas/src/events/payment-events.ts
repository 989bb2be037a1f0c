import { z } from 'zod';
import { amount, currencyCode, identifier, isoTimestamp } from './event-fields';

export const paymentCompletedSchema = z.looseObject({
  payment_id: identifier,
  order_id: identifier,
  amount,
  currency: currencyCode,
  method: z.string().min(1),
  transaction_id: identifier,
  processed_at: isoTimestamp,
});
export type PaymentCompletedData = z.infer<typeof paymentCompletedSchema>;

export const paymentCompletedSample: PaymentCompletedData = {
  payment_id: 'PAY-550918',
  order_id: 'ORD-2026-004821',
  amount: 13.28,
  currency: 'USD',
  method: 'credit_card',
  transaction_id: 'txn_8f2c91d0a7',
  processed_at: '2026-03-02T07:16:04Z',
};

export const paymentFailedSchema = z.looseObject({
  payment_id: identifier,
  order_id: identifier,
  amount,
  currency: currencyCode,
  method: z.string().min(1),
  error_code: z.string().min(1),
  error_message: z.string(),
  attempted_at: isoTimestamp,
});
export type PaymentFailedData = z.infer<typeof paymentFailedSchema>;

export const paymentFailedSample: PaymentFailedData = {
  payment_id: 'PAY-550919',
  order_id: 'ORD-2026-004823',
  amount: 42.1,
  currency: 'USD',
  method: 'debit_card',
  error_code: 'insufficient_funds',
  error_message: 'The card has insufficient funds.',
  attempted_at: '2026-03-02T09:12:45Z',
};

export const paymentRefundedSchema = z.looseObject({
  payment_id: identifier,
  order_id: identifier,
  refund_id: identifier,
  amount,
  currency: currencyCode,
  refunded_at: isoTimestamp,
});
export type PaymentRefundedData = z.infer<typeof paymentRefundedSchema>;

export const paymentRefundedSample: PaymentRefundedData = {
  payment_id: 'PAY-550918',
  order_id: 'ORD-2026-004821',
  refund_id: 'RFD-2026-000317',
  amount: 4.8,
  currency: 'USD',
  refunded_at: '2026-03-03T10:00:02Z',
};
