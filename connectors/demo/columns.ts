type Column = Float64Array | Int32Array | Uint8Array;

/** The column itself while it has room for `size` values, else a copy twice as long. */
export function room<C extends Column>(column: C, size: number): C {
  if (size <= column.length) return column;
  const bigger = new (column.constructor as new (length: number) => C)(Math.max(size, column.length * 2));
  bigger.set(column);
  return bigger;
}

/**
 * Rows of numbers in named columns, with rows handed back for reuse: state kept per live customer
 * without an object each. A column array is replaced when the table grows, so read it through
 * `col` after any `add`.
 */
export class Table<K extends string> {
  readonly col: Record<K, Float64Array>;
  private rows = 0;
  private readonly free: number[] = [];

  constructor(private readonly names: readonly K[]) {
    this.col = Object.fromEntries(names.map((n) => [n, new Float64Array(1024)])) as Record<K, Float64Array>;
  }

  add(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    const row = this.rows++;
    for (const n of this.names) this.col[n] = room(this.col[n], this.rows);
    return row;
  }

  remove(row: number): void {
    this.free.push(row);
  }
}
