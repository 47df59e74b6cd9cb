/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, "Distance Transforms
 * of Sampled Functions"): for every pixel of a row-major [height, width] grid, the squared distance
 * to the nearest pixel where `isSource` is true (Infinity when there is none). Two passes of the 1-D
 * lower-envelope-of-parabolas transform, O(height * width) time.
 */
export function squaredDistanceTransform(
  isSource: (index: number) => boolean,
  height: number,
  width: number,
): Float64Array {
  const far = Number.POSITIVE_INFINITY;
  const grid = new Float64Array(height * width);
  for (let index = 0; index < grid.length; index += 1) grid[index] = isSource(index) ? 0 : far;
  const size = Math.max(height, width);
  const line = new Float64Array(size);
  const result = new Float64Array(size);
  const vertices = new Int32Array(size);
  const boundaries = new Float64Array(size + 1);
  const transformLine = (length: number) => {
    let count = -1;
    for (let position = 0; position < length; position += 1) {
      const value = line[position] as number;
      if (value === far) continue;
      // Pop parabolas hidden by the new one; s is where the new parabola meets the top one.
      let meet = Number.NEGATIVE_INFINITY;
      while (count >= 0) {
        const top = vertices[count] as number;
        meet = (value + position * position - ((line[top] as number) + top * top)) / (2 * position - 2 * top);
        if (meet > (boundaries[count] as number)) break;
        count -= 1;
      }
      count += 1;
      vertices[count] = position;
      boundaries[count] = count === 0 ? Number.NEGATIVE_INFINITY : meet;
      boundaries[count + 1] = Number.POSITIVE_INFINITY;
    }
    if (count < 0) {
      result.fill(far, 0, length);
      return;
    }
    let current = 0;
    for (let position = 0; position < length; position += 1) {
      while ((boundaries[current + 1] as number) < position) current += 1;
      const vertex = vertices[current] as number;
      result[position] = (position - vertex) ** 2 + (line[vertex] as number);
    }
  };
  for (let column = 0; column < width; column += 1) {
    for (let row = 0; row < height; row += 1) line[row] = grid[row * width + column] as number;
    transformLine(height);
    for (let row = 0; row < height; row += 1) grid[row * width + column] = result[row] as number;
  }
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) line[column] = grid[row * width + column] as number;
    transformLine(width);
    for (let column = 0; column < width; column += 1) grid[row * width + column] = result[column] as number;
  }
  return grid;
}
