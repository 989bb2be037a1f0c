import { z } from 'zod';
import { changedFields, identifier, isoTimestamp } from './event-fields';

export const userRegisteredSchema = z.looseObject({
  user_id: identifier,
  email: z.email(),
  first_name: z.string(),
  last_name: z.string(),
  phone: z.string(),
  registered_at: isoTimestamp,
  verification_status: z.string().min(1),
});
export type UserRegisteredData = z.infer<typeof userRegisteredSchema>;

export const userRegisteredSample: UserRegisteredData = {
  user_id: 'USER-30581',
  email: 'priya.raman@example.com',
  first_name: 'Priya',
  last_name: 'Raman',
  phone: '+1-608-555-0142',
  registered_at: '2026-03-01T18:22:05Z',
  verification_status: 'pending',
};

export const userUpdatedSchema = z.looseObject({
  user_id: identifier,
  changed_fields: changedFields,
  updated_at: isoTimestamp,
});
export type UserUpdatedData = z.infer<typeof userUpdatedSchema>;

export const userUpdatedSample: UserUpdatedData = {
  user_id: 'USER-30581',
  changed_fields: ['phone'],
  updated_at: '2026-03-04T12:00:00Z',
};
