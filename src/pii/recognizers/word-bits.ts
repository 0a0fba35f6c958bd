// A table from lower-case words to bit masks (which word lists hold the word), looked up by a
// span of a text without making a string: ASCII spans are hashed and compared in place, folding
// case as `toLowerCase` does for ASCII; spans with other characters are lower-cased first. The
// name rules ask about every capitalized word, and a slice, a `toLowerCase` and a Map lookup
// per word cost more than the whole word scan.

/** FNV-1a step over one UTF-16 unit. */
const step = (hash: number, unit: number) => Math.imul(hash ^ unit, 0x01000193);
const FNV_OFFSET = 0x811c9dc5 | 0;

/** Ints per slot: entry index + 1 (0: empty slot), the key's hash, the key's bits, padding. */
const STRIDE = 4;

export class WordBits {
  readonly #keys: string[] = [];
  /**
   * Open addressing, a slot's fields side by side: a probe reads one cache line, and compares a
   * key (a string elsewhere in memory) only when the hashes agree.
   */
  readonly #slots: Int32Array;
  readonly #mask: number;

  /** The union of word lists, each word with the OR of its lists' bits. */
  static from(lists: readonly (readonly [Iterable<string>, number])[]): WordBits {
    const arrays = lists.map(([list, bits]) => [Array.from(list), bits] as const);
    const table = new WordBits(arrays.reduce((n, [list]) => n + list.length, 0));
    for (const [list, bits] of arrays) for (const word of list) table.add(word, bits);
    return table;
  }

  /** A table for up to `capacity` distinct words (kept at most half full). */
  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.#slots = new Int32Array(size * STRIDE);
    this.#mask = size - 1;
  }

  static #hashOf(word: string): number {
    let hash = FNV_OFFSET;
    for (let i = 0; i < word.length; i++) hash = step(hash, word.charCodeAt(i));
    return hash;
  }

  /** The slot of a lower-case word, or of the empty slot where it would go. */
  #slotOf(word: string, hash = WordBits.#hashOf(word)): number {
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const at = slot * STRIDE;
      const entry = this.#slots[at];
      if (entry === 0 || (this.#slots[at + 1] === hash && this.#keys[entry - 1] === word)) {
        return at;
      }
    }
  }

  /** Sets `bits` for a lower-case word. */
  add(word: string, bits: number): void {
    const hash = WordBits.#hashOf(word);
    const at = this.#slotOf(word, hash);
    if (this.#slots[at] === 0) {
      if (this.#keys.length * 2 >= this.#slots.length / STRIDE) {
        throw new RangeError(`WordBits is full (${this.#keys.length} words)`);
      }
      this.#keys.push(word);
      this.#slots[at] = this.#keys.length;
      this.#slots[at + 1] = hash;
    }
    this.#slots[at + 2] |= bits;
  }

  /** Clears `bits` for a lower-case word, if listed. */
  remove(word: string, bits: number): void {
    this.#slots[this.#slotOf(word) + 2] &= ~bits;
  }

  /** The bits of a lower-case word (0 when no list holds it). */
  get(word: string): number {
    return this.#slots[this.#slotOf(word) + 2];
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
      const at = slot * STRIDE;
      const entry = this.#slots[at];
      if (entry === 0) return 0;
      if (this.#slots[at + 1] === hash) {
        const key = this.#keys[entry - 1];
        if (key.length === length && sameFolded(text, start, key)) return this.#slots[at + 2];
      }
    }
  }
}

/** Whether the ASCII text from `start`, its capitals folded, begins with the lower-case `key`. */
export function sameFolded(text: string, start: number, key: string): boolean {
  for (let k = 0; k < key.length; k++) {
    const c = text.charCodeAt(start + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== key.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Whether text[start, end), lower-cased, is `word`. Up to its first non-ASCII unit a word's
 * lower case matches it unit for unit, so a mismatch there is final.
 */
export function spanIs(text: string, start: number, end: number, word: string): boolean {
  const length = end - start;
  for (let k = 0; k < length; k++) {
    const c = text.charCodeAt(start + k);
    if (c >= 128) return text.slice(start, end).toLowerCase() === word;
    if (k >= word.length || (c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(k)) return false;
  }
  return length === word.length;
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
    if (word.length === length && sameFolded(text, start, word)) return true;
  }
  return false;
}
