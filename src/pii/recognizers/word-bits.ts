// A table from lower-case words to bit masks (which word lists hold the word), looked up by a
// span of a text without making a string: ASCII spans are hashed and compared in place, folding
// case as `toLowerCase` does for ASCII; spans with other characters are lower-cased first. The
// name rules ask about every capitalized word, and a slice, a `toLowerCase` and a Map lookup
// per word cost more than the whole word scan.

/** FNV-1a step over one UTF-16 unit. */
const step = (hash: number, unit: number) => Math.imul(hash ^ unit, 0x01000193);
const FNV_OFFSET = 0x811c9dc5 | 0;

export class WordBits {
  readonly #keys: string[] = [];
  readonly #bits: number[] = [];
  /** Open addressing: entry index + 1 per slot, 0 for an empty slot. */
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** A table for up to `capacity` distinct words (kept at most half full). */
  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
  }

  static #hashOf(word: string): number {
    let hash = FNV_OFFSET;
    for (let i = 0; i < word.length; i++) hash = step(hash, word.charCodeAt(i));
    return hash;
  }

  /** The entry index of a lower-case word, or where its slot would be as -(slot + 1). */
  #find(word: string): number {
    for (let slot = WordBits.#hashOf(word) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const entry = this.#slots[slot];
      if (entry === 0) return -(slot + 1);
      if (this.#keys[entry - 1] === word) return entry - 1;
    }
  }

  /** Sets `bits` for a lower-case word. */
  add(word: string, bits: number): void {
    const found = this.#find(word);
    if (found >= 0) {
      this.#bits[found] |= bits;
      return;
    }
    if (this.#keys.length * 2 >= this.#slots.length) {
      throw new RangeError(`WordBits is full (${this.#keys.length} words)`);
    }
    this.#keys.push(word);
    this.#bits.push(bits);
    this.#slots[-found - 1] = this.#keys.length;
  }

  /** Clears `bits` for a lower-case word, if listed. */
  remove(word: string, bits: number): void {
    const found = this.#find(word);
    if (found >= 0) this.#bits[found] &= ~bits;
  }

  /** The bits of a lower-case word (0 when no list holds it). */
  get(word: string): number {
    const found = this.#find(word);
    return found >= 0 ? this.#bits[found] : 0;
  }

  /** The bits of text[start, end), lower-cased. */
  getSpan(text: string, start: number, end: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) return this.get(text.slice(start, end).toLowerCase());
      hash = step(hash, c >= 65 && c <= 90 ? c + 32 : c);
    }
    const length = end - start;
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const entry = this.#slots[slot];
      if (entry === 0) return 0;
      const key = this.#keys[entry - 1];
      if (key.length === length && sameFolded(key, text, start)) return this.#bits[entry - 1];
    }
  }
}

/** Whether ASCII text from `start` equals the lower-case `key` once its capitals are folded. */
function sameFolded(key: string, text: string, start: number): boolean {
  for (let k = 0; k < key.length; k++) {
    const c = text.charCodeAt(start + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== key.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether text[start, end), lower-cased, is one of the lower-case `words` (in place if ASCII). */
export function spanInList(
  text: string,
  start: number,
  end: number,
  words: readonly string[],
): boolean {
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) >= 128) return words.includes(text.slice(start, end).toLowerCase());
  }
  const length = end - start;
  for (const word of words) {
    if (word.length === length && sameFolded(word, text, start)) return true;
  }
  return false;
}
