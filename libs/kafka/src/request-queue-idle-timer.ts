/** The part of kafkajs's (internal) RequestQueue that schedules the next look at queued requests. */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for a queue that holds requests but is not throttled. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

let applied = false;

/**
 * Fixes a kafkajs 2.2.4 bug (tulios/kafkajs#1751 and #1704, unreleased fixes in #1755/#1768; the
 * project has had no release since 2023). After every answer, a queue with nothing pending and no
 * throttle set a timer of `throttledUntil - Date.now()` = `-1 - Date.now()`, about -1.8e12 ms: Node 24
 * warns about it (`TimeoutNegativeWarning`) and runs it after 1 ms, and the timer schedules itself again,
 * so every broker connection woke its process a thousand times a second for nothing. Such a queue needs
 * no timer: `push` schedules one when it queues a request and every answer looks at the queue again.
 * Nothing in our configuration causes it (`throttledUntil` starts at -1 for every client).
 */
export function stopIdleRequestQueueTimers(): void {
  if (applied) return;
  applied = true;
  // kafkajs exports no RequestQueue; the deep path exists in every 2.x release.
  const RequestQueue = require('kafkajs/src/network/requestQueue') as {
    prototype: RequestQueueInternals;
  };
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    const delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
}
