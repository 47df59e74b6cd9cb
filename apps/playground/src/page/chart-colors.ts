/** A colour per class (Okabe-Ito, readable with colour-blindness), repeated past eight classes. */
export const CLASS_COLORS = Object.freeze([
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
]);

/** The colour of class `index`. */
export function classColor(index: number): string {
  return CLASS_COLORS[index % CLASS_COLORS.length] as string;
}

/** Unweighted runs in grey, weighted runs in blue, everywhere on the page. */
export const RUN_COLORS = Object.freeze({ unweighted: '#888888', weighted: '#0072B2' });
