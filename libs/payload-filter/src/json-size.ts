/**
 * The UTF-8 length of `JSON.stringify(value)` for a JSON value, counted only until it passes `limit`
 * (then it is some number above the limit). It walks without recursion and stops early, so a request
 * body nested a hundred thousand levels deep, which `JSON.stringify` would overflow the stack on, costs
 * no more than `limit` steps.
 */
export function jsonBytesUpTo(value: unknown, limit: number): number {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && bytes <= limit) {
    const item = pending.pop();
    if (Array.isArray(item)) {
      bytes += 2 + Math.max(0, item.length - 1);
      if (bytes <= limit) for (const element of item) pending.push(element);
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item);
      bytes += 2 + Math.max(0, entries.length - 1);
      for (const [key, member] of entries) {
        if (bytes > limit) break;
        bytes += stringBytes(key) + 1;
        pending.push(member);
      }
    } else {
      bytes += typeof item === 'string' ? stringBytes(item) : String(JSON.stringify(item)).length;
    }
  }
  return bytes;
}

function stringBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}
