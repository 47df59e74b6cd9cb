/**
 * Marks the `count` largest of `values` with 1 (ties go to the lower index, the order SPEC's hard
 * mining ranks by, and, on negated difficulties, the curriculum's `select`). Expected O(n): a
 * quickselect finds the count-th largest value, then one pass in index order marks everything above
 * it and the first of the values equal to it. Adapters that rank a whole batch every step use it
 * instead of an O(n log n) sort. Values must not be NaN.
 */
export function markLargest(values: ArrayLike<number>, count: number): Uint8Array {
  const length = values.length;
  const marks = new Uint8Array(length);
  if (count <= 0 || length === 0) return marks;
  if (count >= length) return marks.fill(1);
  const threshold = largestAt(Float64Array.from(values), count - 1);
  let greater = 0;
  for (let index = 0; index < length; index += 1) if ((values[index] as number) > threshold) greater += 1;
  let ties = count - greater;
  for (let index = 0; index < length; index += 1) {
    const value = values[index] as number;
    if (value > threshold) marks[index] = 1;
    else if (value === threshold && ties > 0) {
      marks[index] = 1;
      ties -= 1;
    }
  }
  return marks;
}

/** The value at 0-based position `target` of `scratch` sorted descending (Hoare quickselect; reorders scratch). */
function largestAt(scratch: Float64Array, target: number): number {
  let left = 0;
  let right = scratch.length - 1;
  while (left < right) {
    // Median of three keeps sorted and constant inputs away from the quadratic case.
    const middle = left + ((right - left) >> 1);
    const a = scratch[left] as number;
    const b = scratch[middle] as number;
    const c = scratch[right] as number;
    // biome-ignore lint/complexity/useMathMinMax: the median of three, not a min or max.
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let low = left;
    let high = right;
    while (low <= high) {
      while ((scratch[low] as number) > pivot) low += 1;
      while ((scratch[high] as number) < pivot) high -= 1;
      if (low <= high) {
        const swap = scratch[low] as number;
        scratch[low] = scratch[high] as number;
        scratch[high] = swap;
        low += 1;
        high -= 1;
      }
    }
    if (target <= high) right = high;
    else if (target >= low) left = low;
    else return scratch[target] as number;
  }
  return scratch[target] as number;
}
