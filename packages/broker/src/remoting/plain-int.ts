// The integers of request headers as every client writes them: plain decimals. Reading those with a
// loop over their characters spares the trim, Number() and regular expression of a full check, on
// headers that arrive with every send and every pull; anything else gets undefined, and the full
// check (with its error message) decides.

/** A decimal of up to 15 digits (always a safe integer), optionally after '-', nothing else; otherwise undefined. */
export function plainInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const length = value.length;
  const negative = length > 0 && value.charCodeAt(0) === 45; // '-'
  const start = negative ? 1 : 0;
  if (length === start || length - start > 15) return undefined;
  let result = 0;
  for (let i = start; i < length; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    result = result * 10 + digit;
  }
  return negative ? -result : result;
}

/** plainInt of the text in bytes[at, at + length) (ASCII digits): no string is made for it. */
export function plainIntAt(bytes: Uint8Array, at: number, length: number): number | undefined {
  const negative = length > 0 && bytes[at] === 45; // '-'
  const start = negative ? at + 1 : at;
  const end = at + length;
  if (end === start || end - start > 15) return undefined;
  let result = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return undefined;
    result = result * 10 + digit;
  }
  return negative ? -result : result;
}
