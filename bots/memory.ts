/** Bounded memories of recent ids and cards: enough for a busy day, small enough to never matter. */
const MEMORY = 2000;

export function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > MEMORY) map.delete(map.keys().next().value as K);
}
