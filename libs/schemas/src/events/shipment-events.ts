import { z } from 'zod';
import { identifier, isoTimestamp } from './event-fields';

const shipmentReference = {
  shipment_id: identifier,
  order_id: identifier,
  carrier: z.string().min(1),
  tracking_number: identifier,
};

export const shipmentCreatedSchema = z.looseObject({
  ...shipmentReference,
  created_at: isoTimestamp,
  estimated_delivery: isoTimestamp,
});
export type ShipmentCreatedData = z.infer<typeof shipmentCreatedSchema>;

export const shipmentCreatedSample: ShipmentCreatedData = {
  shipment_id: 'SHIP-771204',
  order_id: 'ORD-2026-004821',
  carrier: 'ColdChain Express',
  tracking_number: 'CCX0048210091',
  created_at: '2026-03-02T11:00:00Z',
  estimated_delivery: '2026-03-03T09:00:00Z',
};

export const shipmentUpdatedSchema = z.looseObject({
  ...shipmentReference,
  status: z.string().min(1),
  location: z.string().min(1),
  updated_at: isoTimestamp,
  estimated_delivery: isoTimestamp,
});
export type ShipmentUpdatedData = z.infer<typeof shipmentUpdatedSchema>;

export const shipmentUpdatedSample: ShipmentUpdatedData = {
  shipment_id: 'SHIP-771204',
  order_id: 'ORD-2026-004821',
  carrier: 'ColdChain Express',
  tracking_number: 'CCX0048210091',
  status: 'in_transit',
  location: 'Refrigerated Hub - Madison',
  updated_at: '2026-03-03T05:30:00Z',
  estimated_delivery: '2026-03-03T09:00:00Z',
};

export const shipmentDeliveredSchema = z.looseObject({
  ...shipmentReference,
  delivered_at: isoTimestamp,
  recipient: z.string().min(1),
  delivery_location: z.string().min(1),
});
export type ShipmentDeliveredData = z.infer<typeof shipmentDeliveredSchema>;

export const shipmentDeliveredSample: ShipmentDeliveredData = {
  shipment_id: 'SHIP-771204',
  order_id: 'ORD-2026-004821',
  carrier: 'ColdChain Express',
  tracking_number: 'CCX0048210091',
  delivered_at: '2026-03-03T08:47:19Z',
  recipient: 'Priya Raman',
  delivery_location: 'Reception desk',
};
