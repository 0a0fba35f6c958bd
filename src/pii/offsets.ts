// UTF-16 code-unit offsets (JavaScript strings) to Unicode code-point offsets (Python, Presidio).

/** A high surrogate followed by a low one: the two units of one astral code point. */
const SURROGATE_PAIR = /[\uD800-\uDBFF](?=[\uDC00-\uDFFF])/g;

let lastText: string | undefined;
let lastStarts: readonly number[] = [];

/**
 * UTF-16 offsets of the high halves of the surrogate pairs in `text`, ascending. The last text's
 * are kept: the analyzer converts a text's offsets and its caller then measures the same text.
 */
function surrogatePairStarts(text: string): readonly number[] {
  if (text === lastText) return lastStarts;
  const starts: number[] = [];
  SURROGATE_PAIR.lastIndex = 0;
  for (let m = SURROGATE_PAIR.exec(text); m !== null; m = SURROGATE_PAIR.exec(text)) {
    starts.push(m.index);
  }
  lastText = text;
  lastStarts = starts;
  return starts;
}

/**
 * A converter from UTF-16 offsets to code-point offsets of one string; O(log pairs) per lookup.
 * Offset i counts one code point less for every pair starting before it, so the low half of a
 * pair maps to the same code point as its high half. One regex pass finds the pairs; text
 * without astral characters costs no table at all.
 */
export function codePointOffsets(text: string): (utf16: number) => number {
  const pairs = surrogatePairStarts(text);
  if (pairs.length === 0) return (i) => i;
  return (i) => {
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return i - lo;
  };
}

/** How many code points `text` holds (its length in Python, Presidio's unit). */
export function codePointLength(text: string): number {
  return text.length - surrogatePairStarts(text).length;
}

/** Code-point offsets to UTF-16 offsets (for callers holding Presidio-style offsets). */
export function utf16Offsets(text: string): (codePoint: number) => number {
  const table: number[] = [];
  let i = 0;
  for (const ch of text) {
    table.push(i);
    i += ch.length;
  }
  table.push(i);
  return (cp) => table[cp] ?? i;
}
