import { InvalidInputError } from '../errors/invalid-input-error.ts';

/** A number or arbitrarily nested arrays of numbers, as JSON holds tensors. */
export type NestedNumberArray = number | readonly NestedNumberArray[];

/** A dense row-major tensor: flat values plus shape. */
export interface DenseTensor {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** Either form a tensor input may take. */
export type TensorLike = NestedNumberArray | DenseTensor;

function isDenseTensor(value: unknown): value is DenseTensor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'shape' in value && 'data' in value;
}

/**
 * Flattens a nested array (or a DenseTensor) to float64 in row-major order, checking it is rectangular.
 * Values are not checked for finiteness here; callers do that with field-specific messages.
 */
export function flattenTensor(field: string, value: TensorLike): { data: Float64Array; shape: number[] } {
  if (isDenseTensor(value)) {
    const expected = value.shape.reduce((product, size) => product * size, 1);
    if (value.data.length !== expected)
      throw new InvalidInputError(
        field,
        `data has ${value.data.length} values but shape [${value.shape.join(',')}] needs ${expected}`,
      );
    return { data: Float64Array.from(value.data), shape: [...value.shape] };
  }
  if (typeof value === 'number') return { data: Float64Array.of(value), shape: [] };
  if (!Array.isArray(value)) throw new InvalidInputError(field, 'must be a number array (nested for higher ranks)');
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const size = shape.reduce((product, length) => product * length, 1);
  const data = new Float64Array(size);
  let offset = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number')
        throw new InvalidInputError(`${field}${path}`, `expected a number, got ${JSON.stringify(node)}`);
      data[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth])
      throw new InvalidInputError(
        `${field}${path}`,
        `ragged array: expected ${shape[depth]} entries at depth ${depth}`,
      );
    node.forEach((child, index) => {
      walk(child, depth + 1, `${path}[${index}]`);
    });
  };
  walk(value, 0, '');
  return { data, shape };
}

/** Formats a flat index in a shape as `[i][j]...` for error messages. */
export function formatIndex(flatIndex: number, shape: readonly number[]): string {
  const parts: number[] = [];
  let remainder = flatIndex;
  for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
    const size = shape[axis] ?? 1;
    parts.unshift(size === 0 ? 0 : remainder % size);
    remainder = size === 0 ? 0 : Math.floor(remainder / size);
  }
  return parts.map((part) => `[${part}]`).join('');
}
