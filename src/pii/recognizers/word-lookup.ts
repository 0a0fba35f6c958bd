// Word-list lookups for the scanner's words without making their strings: an ASCII word is read
// by char code with upper case folded (which is what toLowerCase does to ASCII), any other word
// through its cached lower-case string. Up to its first non-ASCII unit a word's lower-case form
// matches it unit for unit, so a mismatch there is final.

import type { Words } from "./tokens.js";

const fold = (c: number) => (c >= 65 && c <= 90 ? c | 32 : c);

/** Whether word j of w, lower-cased, is `word`. */
export function wordIs(w: Words, j: number, word: string): boolean {
  const text = w.text;
  const start = w.starts[j];
  const length = w.ends[j] - start;
  for (let k = 0; k < length; k++) {
    const c = text.charCodeAt(start + k);
    if (c >= 128) return w.lower(j) === word;
    if (k >= word.length || fold(c) !== word.charCodeAt(k)) return false;
  }
  return length === word.length;
}

/** The union of word lists as a map of each word to the OR of its lists' flags. */
export function flagMap(lists: Iterable<readonly [Iterable<string>, number]>): Map<string, number> {
  const flags = new Map<string, number>();
  for (const [words, bit] of lists) {
    for (const w of words) flags.set(w, (flags.get(w) ?? 0) | bit);
  }
  return flags;
}

/** Bit flags of lower-case words, looked up by word index (0 for words not listed). */
export class WordFlags {
  readonly #all: ReadonlyMap<string, number>;
  /** Open addressing over the ASCII words: hash, key and flags per slot. */
  readonly #hashes: Int32Array;
  readonly #keys: (string | undefined)[];
  readonly #flags: Int32Array;
  readonly #mask: number;

  constructor(flags: ReadonlyMap<string, number>) {
    this.#all = flags;
    let size = 16;
    while (size < flags.size * 2) size *= 2;
    this.#mask = size - 1;
    this.#hashes = new Int32Array(size);
    this.#keys = new Array(size);
    this.#flags = new Int32Array(size);
    for (const [key, value] of flags) {
      if (!/^[\0-\x7f]*$/u.test(key)) continue;
      const h = hashOf(key);
      let slot = h & this.#mask;
      while (this.#keys[slot] !== undefined) slot = (slot + 1) & this.#mask;
      this.#hashes[slot] = h;
      this.#keys[slot] = key;
      this.#flags[slot] = value;
    }
  }

  of(w: Words, j: number): number {
    const text = w.text;
    const start = w.starts[j];
    const end = w.ends[j];
    let h = OFFSET;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c >= 128) return this.#all.get(w.lower(j)) ?? 0;
      h = Math.imul(h ^ fold(c), PRIME);
    }
    return this.#probe(text, start, end - start, h);
  }

  /** The flags of text[start, end), which must be ASCII, lower-cased. */
  ofAscii(text: string, start: number, end: number): number {
    let h = OFFSET;
    for (let k = start; k < end; k++) h = Math.imul(h ^ fold(text.charCodeAt(k)), PRIME);
    return this.#probe(text, start, end - start, h);
  }

  #probe(text: string, start: number, length: number, h: number): number {
    for (let slot = h & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const key = this.#keys[slot];
      if (key === undefined) return 0;
      if (this.#hashes[slot] === h && key.length === length && sameFolded(text, start, key)) {
        return this.#flags[slot];
      }
    }
  }
}

// FNV-1a, 32 bits.
const OFFSET = 0x811c9dc5 | 0;
const PRIME = 0x01000193;

function hashOf(key: string): number {
  let h = OFFSET;
  for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), PRIME);
  return h;
}

/** Whether the ASCII text from `start`, upper case folded, begins with `key`. */
export function sameFolded(text: string, start: number, key: string): boolean {
  for (let k = 0; k < key.length; k++) {
    if (fold(text.charCodeAt(start + k)) !== key.charCodeAt(k)) return false;
  }
  return true;
}
