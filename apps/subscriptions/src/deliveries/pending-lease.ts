/**
 * When a delivery made pending here is handed out again if it is still pending: its task may be lost if
 * the process dies between the write and the publish (see PENDING_DELIVERY_LEASE_MS).
 */
export function pendingLeaseEnd(config: { PENDING_DELIVERY_LEASE_MS: number }, now = Date.now()): Date {
  return new Date(now + config.PENDING_DELIVERY_LEASE_MS);
}
