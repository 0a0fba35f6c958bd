// UTF-16 code-unit offsets (JavaScript strings) to Unicode code-point offsets (Python, Presidio).

/** A converter from UTF-16 offsets to code-point offsets of one string; O(1) per lookup. */
export function codePointOffsets(text: string): (utf16: number) => number {
  let astral = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      astral = true;
      break;
    }
  }
  if (!astral) return (i) => i;
  const table = new Uint32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    table[i] = cp;
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    // The low half of a surrogate pair maps to the same code point as its high half.
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      table[i + 1] = cp;
      i++;
    }
    cp++;
  }
  table[text.length] = cp;
  return (i) => table[i];
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
