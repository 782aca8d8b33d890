/**
 * A Map that forgets its oldest entries past `capacity`: the per-process caches of headers, graphs
 * and run signals. Setting a key again makes it the newest.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.capacity) super.delete(super.keys().next().value as K);
    return this;
  }
}
