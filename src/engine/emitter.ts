/** A small typed event channel: listeners get every event; a throwing listener cannot break the emitter. */
export class Emitter<E> {
  private readonly listeners = new Set<(event: E) => void>();

  on(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber (a closed SSE socket) must not stop the job.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
