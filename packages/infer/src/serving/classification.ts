/**
 * Triton's classification extension: an output requested with `parameters.classification: K`
 * comes back as BYTES [batch, K] (K no larger than the classes), each string
 * "<value>:<index>[:<label>]" for the K highest values of that row, highest first. The value is
 * written as Triton writes it, with C++'s std::to_string(float): printf's "%f", six decimals,
 * rounding half to even on the exact binary value ("0.912345", "-3.000000", "nan", "inf").
 * Ties keep the lower index first (what Triton's std::sort does for rows of up to 16 values).
 */

const SIGN = new Uint32Array(1);
const SIGN_FLOAT = new Float32Array(SIGN.buffer);

/** A float32 as C's printf("%f") writes it (std::to_string). */
export function formatFixed6(value: number): string {
  SIGN_FLOAT[0] = value;
  const negative = (SIGN[0]! & 0x80000000) !== 0;
  const sign = negative ? '-' : '';
  const magnitude = Math.abs(SIGN_FLOAT[0]!);
  if (Number.isNaN(magnitude)) return `${sign}nan`;
  if (magnitude === Infinity) return `${sign}inf`;
  if (magnitude >= 1e21) return `${sign}${BigInt(magnitude).toString()}.000000`;
  // magnitude * 1e6 is exact in a double for a float32 (24 + 20 significant bits), so an exact
  // tie is seen as one; toFixed rounds ties away from zero, printf to even.
  const scaled = magnitude * 1e6;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && floor % 2 === 0) {
    const digits = String(floor).padStart(7, '0');
    return `${sign}${digits.slice(0, -6)}.${digits.slice(-6)}`;
  }
  return `${sign}${magnitude.toFixed(6)}`;
}

/**
 * The classification strings of `rows` rows of `classes` values each (row-major), `count` per row
 * (at most `classes`), with labels where given.
 */
export function classify(values: Float32Array, rows: number, classes: number, count: number, labels: readonly string[] | undefined): string[] {
  const k = Math.min(count, classes);
  const out: string[] = [];
  const order = new Array<number>(classes);
  for (let row = 0; row < rows; row++) {
    const base = row * classes;
    for (let i = 0; i < classes; i++) order[i] = i;
    order.sort((a, b) => {
      const difference = values[base + b]! - values[base + a]!;
      return difference === 0 || Number.isNaN(difference) ? a - b : difference;
    });
    for (let j = 0; j < k; j++) {
      const index = order[j]!;
      const label = labels?.[index];
      out.push(`${formatFixed6(values[base + index]!)}:${index}${label === undefined ? '' : `:${label}`}`);
    }
  }
  return out;
}

/** BYTES tensor data as the binary extension sends it: each element a 4-byte little-endian length, then its bytes. */
export function serializeBytes(strings: readonly string[]): Buffer {
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.allocUnsafe(encoded.reduce((sum, b) => sum + 4 + b.length, 0));
  let at = 0;
  for (const bytes of encoded) {
    out.writeUInt32LE(bytes.length, at);
    bytes.copy(out, at + 4);
    at += 4 + bytes.length;
  }
  return out;
}
