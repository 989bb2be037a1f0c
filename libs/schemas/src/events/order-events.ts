import { z } from 'zod';
import { amount, changedFields, currencyCode, identifier, isoTimestamp, quantity } from './event-fields';

const orderLine = z.looseObject({
  product_id: identifier,
  quantity,
  unit_price: amount,
  total: amount,
});

export const orderCreatedSchema = z.looseObject({
  order_id: identifier,
  customer_id: identifier,
  items: z.array(orderLine).min(1),
  subtotal: amount,
  tax: amount,
  total: amount,
  currency: currencyCode,
  status: z.string().min(1),
  created_at: isoTimestamp,
});
export type OrderCreatedData = z.infer<typeof orderCreatedSchema>;

export const orderCreatedSample: OrderCreatedData = {
  order_id: 'ORD-2026-004821',
  customer_id: 'CUST-10442',
  items: [
    { product_id: 'PROD-MILK-WHOLE-1L', quantity: 6, unit_price: 1.25, total: 7.5 },
    { product_id: 'PROD-YOGURT-GREEK-500G', quantity: 2, unit_price: 2.4, total: 4.8 },
  ],
  subtotal: 12.3,
  tax: 0.98,
  total: 13.28,
  currency: 'USD',
  status: 'pending',
  created_at: '2026-03-02T07:15:00Z',
};

export const orderUpdatedSchema = z.looseObject({
  order_id: identifier,
  customer_id: identifier,
  status: z.string().min(1),
  changed_fields: changedFields,
  updated_at: isoTimestamp,
});
export type OrderUpdatedData = z.infer<typeof orderUpdatedSchema>;

export const orderUpdatedSample: OrderUpdatedData = {
  order_id: 'ORD-2026-004821',
  customer_id: 'CUST-10442',
  status: 'confirmed',
  changed_fields: ['status', 'delivery_window'],
  updated_at: '2026-03-02T07:40:12Z',
};

export const orderCancelledSchema = z.looseObject({
  order_id: identifier,
  customer_id: identifier,
  reason: z.string().min(1),
  cancelled_at: isoTimestamp,
  refund_amount: amount,
});
export type OrderCancelledData = z.infer<typeof orderCancelledSchema>;

export const orderCancelledSample: OrderCancelledData = {
  order_id: 'ORD-2026-004822',
  customer_id: 'CUST-20913',
  reason: 'customer_request',
  cancelled_at: '2026-03-02T08:05:00Z',
  refund_amount: 21.6,
};

export const orderRefundedSchema = z.looseObject({
  order_id: identifier,
  customer_id: identifier,
  refund_id: identifier,
  amount,
  currency: currencyCode,
  reason: z.string().min(1),
  refunded_at: isoTimestamp,
});
export type OrderRefundedData = z.infer<typeof orderRefundedSchema>;

export const orderRefundedSample: OrderRefundedData = {
  order_id: 'ORD-2026-004821',
  customer_id: 'CUST-10442',
  refund_id: 'RFD-2026-000317',
  amount: 4.8,
  currency: 'USD',
  reason: 'damaged_item',
  refunded_at: '2026-03-03T10:00:00Z',
};
