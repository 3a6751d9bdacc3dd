type Column = Float64Array | Int32Array | Uint8Array;

/** The column itself while it has room for `size` values, else a copy twice as long. */
export function room<C extends Column>(column: C, size: number): C {
  if (size <= column.length) return column;
  const bigger = new (column.constructor as new (length: number) => C)(Math.max(size, column.length * 2));
  bigger.set(column);
  return bigger;
}
