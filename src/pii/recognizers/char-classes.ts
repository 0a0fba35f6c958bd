// Unicode classes of UTF-16 units for the recognizers' hand-written scans, one byte per unit,
// decided once per unit by the Unicode property regexes: a regex test per character costs more
// than the scans that ask.

export const LETTER = 2; // \p{L}
export const UPPER = 4; // \p{Lu}
export const LOWER = 8; // \p{Ll}
export const MARK = 16; // \p{M}
export const DIGIT = 32; // \p{N}
const KNOWN = 1;

/** The classes of every unit: ASCII filled at load, others by `unitClass` on first sight. */
export const UNIT_CLASSES = new Uint8Array(0x10000);

function classify(code: number): number {
  const c = String.fromCharCode(code);
  let k = KNOWN;
  if (/\p{L}/u.test(c)) k |= LETTER;
  if (/\p{Lu}/u.test(c)) k |= UPPER;
  if (/\p{Ll}/u.test(c)) k |= LOWER;
  if (/\p{M}/u.test(c)) k |= MARK;
  if (/\p{N}/u.test(c)) k |= DIGIT;
  UNIT_CLASSES[code] = k;
  return k;
}

for (let c = 0; c < 128; c++) classify(c);

/** The classes of one UTF-16 unit (a lone surrogate has none). */
export function unitClass(code: number): number {
  const k = UNIT_CLASSES[code];
  return k === 0 ? classify(code) : k;
}

/** White space as the regex class \s has it (ECMA-262 WhiteSpace and LineTerminator). */
export function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
