export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The n-th item of a list taken round and round. */
export const nth = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;
