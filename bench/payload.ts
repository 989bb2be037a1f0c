import type { FilterDocument } from '@smart-dairy/payload-filter';
import type { EventData } from '@smart-dairy/schemas';

/** Every scenario publishes this type; the receiver finds the event again by `order_id`. */
export const BENCH_EVENT_TYPE = 'order.created';
export const PAYLOAD_BYTES = 1024;

type OrderCreated = EventData<typeof BENCH_EVENT_TYPE>;

const ITEMS = [
  { product_id: 'PROD-MILK-WHOLE-1L', quantity: 6, unit_price: 1.25, total: 7.5 },
  { product_id: 'PROD-YOGURT-GREEK-500G', quantity: 2, unit_price: 2.4, total: 4.8 },
  { product_id: 'PROD-BUTTER-UNSALTED-250G', quantity: 1, unit_price: 3.1, total: 3.1 },
  { product_id: 'PROD-CHEESE-CHEDDAR-400G', quantity: 1, unit_price: 5.6, total: 5.6 },
];

/**
 * The payload filter `--filters` gives every subscription: every bench order matches it, so the deliveries
 * are the same as without it, and it holds the kinds of condition partners write (the type, a range, a
 * list, a prefix inside an array element, an alternative), so fan-out evaluates each of them per event.
 */
export const MATCH_EVERY_ORDER: FilterDocument = {
  event: BENCH_EVENT_TYPE,
  'data.total': { $gte: 0 },
  'data.currency': { $in: ['USD', 'EUR', 'GBP'] },
  'data.items.0.product_id': { $prefix: 'PROD-' },
  $or: [{ 'data.status': 'pending' }, { 'data.customer_id': { $exists: true } }],
};

/** A realistic order of exactly PAYLOAD_BYTES of JSON; the schema keeps unknown fields, so `notes` pads it. */
export function orderPayload(orderId: string, createdAt: string): OrderCreated {
  const data = {
    order_id: orderId,
    customer_id: 'CUST-10442',
    items: ITEMS,
    subtotal: 21,
    tax: 1.68,
    total: 22.68,
    currency: 'USD',
    status: 'pending',
    created_at: createdAt,
    notes: '',
  };
  const room = PAYLOAD_BYTES - Buffer.byteLength(JSON.stringify(data));
  if (room < 0) throw new RangeError(`order ${orderId} does not fit in ${PAYLOAD_BYTES} bytes`);
  return { ...data, notes: 'n'.repeat(room) };
}
