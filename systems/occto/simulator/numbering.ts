// Record numbers the simulator hands out: a letter, 5 random digits per simulator instance (so two
// simulators, or one before and after a restart, do not repeat each other) and a 6-digit counter.
import { randomInt } from 'node:crypto';

export type Numberer = () => string;

/** e.g. numberer('H')() === 'H48213000001'. Never reused within one simulator. */
export function numberer(prefix: string): Numberer {
  const base = randomInt(10_000, 100_000);
  let n = 0;
  return () => `${prefix}${base}${String(++n % 1_000_000).padStart(6, '0')}`;
}

/** Appends `item` to the list under `key`. */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
