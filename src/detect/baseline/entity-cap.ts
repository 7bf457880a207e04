// Bounded memory for per-entity baselines: counts the entities a state holds and, once past the cap,
// drops the tenth seen longest ago. The count is kept beside the state so adding one is O(1).
export class EntityCap<E> {
  private held = -1;
  private readonly max: () => number;
  private readonly lastSeen: (e: E) => number;

  constructor(max: () => number, lastSeen: (e: E) => number) {
    this.max = max;
    this.lastSeen = lastSeen;
  }

  /** Call when the entity map was replaced or rebuilt. */
  reset(): void {
    this.held = -1;
  }

  /** Call before adding a new entity to `entities`. */
  makeRoom(entities: Record<string, E>): void {
    if (this.held < 0) this.held = Object.keys(entities).length;
    this.held++;
    if (this.held <= this.max()) return;
    const ids = Object.keys(entities);
    ids.sort((a, b) => this.lastSeen(entities[a]) - this.lastSeen(entities[b]));
    for (const id of ids.slice(0, Math.ceil(ids.length * 0.1))) delete entities[id];
    this.held = Object.keys(entities).length + 1;
  }
}
