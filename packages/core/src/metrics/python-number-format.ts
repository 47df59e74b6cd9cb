/**
 * Python's number formatting, so that reports read exactly like scikit-learn's. Python rounds a value
 * that lies exactly halfway to the even digit ('{:.2f}'.format(0.125) is '0.12'); JavaScript's toFixed
 * rounds it up. toFixed(100) gives the exact decimal expansion of doubles of the size scores have, so an
 * exact tie is detectable.
 */
export function formatFixed(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const rounded = value.toFixed(digits);
  if (Math.abs(value) >= 1e21 || digits >= 100) return rounded;
  const exact = Math.abs(value).toFixed(100);
  const point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + digits);
  if (!/^50*$/.test(rest)) return rounded;
  // An exact tie: truncate, then round half to even.
  const truncated = exact.slice(0, point + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(truncated.replace('.', '').slice(-1));
  const sign = value < 0 ? '-' : '';
  if (lastDigit % 2 === 0) return sign + truncated;
  return rounded;
}

/** Python's repr of a float (str(2.0) is '2.0', 1e16 is '1e+16', 1e-5 is '1e-05'). */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e16 || magnitude < 1e-4)) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const power = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${power}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}
