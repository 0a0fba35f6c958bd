// The characters a URL in text runs over: all but white space and the ASCII characters RFC 3986
// §2 leaves out of URIs ("<", ">", '"', "`", "{", "}", "|", "\", "^"), and "'" — the class
// [^\s<>"'`{}|\\^]. V8 matches a class with non-ASCII ranges by a chain of range tests per
// character, several times slower than the table lookup of an ASCII-only class, so the run is
// found with the ASCII part of the class and continued by hand past non-ASCII characters.

import { isSpace } from "./char-classes.js";

/** The ASCII characters of the class (control characters other than \t-\r are not \s). */
const ASCII_URL_CHARS = /[\x00-\x08\x0e-\x1f!#-&(-;=?-[\]_a-z~\x7f]*/y;

/** The end of the maximal run of URL characters (UTF-16 units) that starts at `from`. */
export function urlCharsEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    ASCII_URL_CHARS.lastIndex = i;
    ASCII_URL_CHARS.test(text);
    i = ASCII_URL_CHARS.lastIndex;
    const c = text.charCodeAt(i);
    if (!(c >= 128) || isSpace(c)) return i;
    i++;
  }
}

const isLead = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isTrail = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * The index `count` code points (a surrogate pair is one, as in a unicode-mode regex) after
 * `from`, or -1 if [from, end) holds fewer.
 */
export function codePointsAfter(text: string, from: number, end: number, count: number): number {
  let i = from;
  for (let n = 0; n < count; n++) {
    if (i >= end) return -1;
    i += i + 1 < end && isLead(text.charCodeAt(i)) && isTrail(text.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}
