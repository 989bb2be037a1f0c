export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The n-th item of a list taken round and round. */
export const nth = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;

export interface Stall {
  from: number;
  to: number;
}

/**
 * Records every gap longer than `thresholdMs` in this process's event loop. A request that arrives
 * during one is timestamped only when it ends, so requests spread over the gap look bunched.
 */
export function recordStalls(thresholdMs = 50): { stalls: Stall[]; stop(): void } {
  const stalls: Stall[] = [];
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last > thresholdMs) stalls.push({ from: last, to: now });
    last = now;
  }, 10);
  timer.unref();
  return { stalls, stop: () => clearInterval(timer) };
}
