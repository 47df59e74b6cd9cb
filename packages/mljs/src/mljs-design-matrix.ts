/**
 * The training design of trainWeightedLogisticRegression without a copy of the data: the caller's
 * values (a dense Float32Array from the CLI stays float32), a per-column feature scale and an optional
 * intercept column that exists only in the arithmetic. A design entry is
 *   x[row][column] = values[row * columns + column] * featureScale[column]   (column < columns)
 *   x[row][columns] = 1                                                         (with an intercept)
 * computed in float64 exactly as the former materialized Float64Array held it (a float32 value is
 * exact in float64, and multiplying by a feature scale of 1 is exact), so every kernel that reads it
 * gives the same bits as one reading a float64 copy.
 */
export interface DesignMatrix {
  /** rows x columns, row-major: the caller's array, never copied. */
  readonly values: Float32Array | Float64Array;
  readonly rows: number;
  /** Feature columns stored in `values`. */
  readonly columns: number;
  /** Design columns the coefficients have: columns, plus 1 with an intercept. */
  readonly width: number;
  readonly intercept: boolean;
  /** Per feature column: the spec's input feature weight (`elements.inputs.weights`), 1 without. */
  readonly featureScale: Float64Array;
}

/** Wraps row-major values (not copied) as a design; `featureWeights` null means a scale of 1 per column. */
export function createDesignMatrix(
  values: Float32Array | Float64Array,
  rows: number,
  columns: number,
  options: { readonly intercept?: boolean; readonly featureWeights?: readonly number[] | null } = {},
): DesignMatrix {
  const intercept = options.intercept ?? false;
  const featureScale = new Float64Array(columns).fill(1);
  if (options.featureWeights) featureScale.set(options.featureWeights);
  return { values, rows, columns, width: columns + (intercept ? 1 : 0), intercept, featureScale };
}

/** Writes design row `row` (width entries, the intercept's 1 last) into `out`. */
export function readDesignRow(design: DesignMatrix, row: number, out: Float64Array): void {
  const { values, columns, featureScale } = design;
  const base = row * columns;
  for (let column = 0; column < columns; column += 1)
    out[column] = (values[base + column] as number) * (featureScale[column] as number);
  if (design.intercept) out[columns] = 1;
}
