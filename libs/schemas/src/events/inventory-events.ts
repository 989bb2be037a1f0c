import { z } from 'zod';
import { identifier, isoTimestamp } from './event-fields';

export const inventoryLowSchema = z.looseObject({
  product_id: identifier,
  warehouse_id: identifier,
  quantity_available: z.number().int().nonnegative(),
  threshold: z.number().int().nonnegative(),
  unit: z.string().min(1),
  detected_at: isoTimestamp,
});
export type InventoryLowData = z.infer<typeof inventoryLowSchema>;

export const inventoryLowSample: InventoryLowData = {
  product_id: 'PROD-BUTTER-SALTED-250G',
  warehouse_id: 'WH-MADISON-01',
  quantity_available: 38,
  threshold: 50,
  unit: 'pack',
  detected_at: '2026-03-02T06:00:00Z',
};
