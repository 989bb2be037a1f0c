import { z } from 'zod';
import { changedFields, identifier, isoTimestamp } from './event-fields';

export const productUpdatedSchema = z.looseObject({
  product_id: identifier,
  name: z.string().min(1),
  changed_fields: changedFields,
  updated_at: isoTimestamp,
});
export type ProductUpdatedData = z.infer<typeof productUpdatedSchema>;

export const productUpdatedSample: ProductUpdatedData = {
  product_id: 'PROD-CHEESE-CHEDDAR-200G',
  name: 'Aged Cheddar 200 g',
  changed_fields: ['price', 'name'],
  updated_at: '2026-03-05T09:30:00Z',
  price: 5.75,
  currency: 'USD',
};
