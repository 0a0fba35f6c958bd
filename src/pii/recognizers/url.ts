// URLs: RFC 3986 URIs with an http(s)/ftp scheme, "www." hosts, and bare domain names with a
// common top-level domain (IANA root zone); trailing sentence punctuation is not part of a URL.

import type { RawFinding, Recognizer } from "../types.js";
import { codePointsAfter, urlCharsEnd } from "./url-chars.js";
import { asciiSet, finding, matches, trimTrailingPunctuation, wordCharAt } from "./util.js";

// A URL is a prefix matched by a regex, then a run of URL characters (url-chars.ts): what
// `prefix[^\s<>"'`{}|\\^]{min,max}` matches (code points, as the prefixes are unicode-mode).
const MAX_URL_TAIL = 2048;

// Tried only just before each "://" (sticky), found with indexOf: a scan with this pattern
// would try its leading \b and alternation at every position of the text.
const SCHEME = /\b(?:https?|ftp):\/\//iuy;
/** How far before "://" a scheme starts: "https", "http" and "ftp". */
const SCHEME_LENGTHS = [5, 4, 3] as const;
// Tried at each "www.", found by a literal scan.
const WWW = /(?<![\p{L}\p{N}./@-])www\./iuy;
const WWW_LITERAL = /www\./gi;
const MIN_WWW_TAIL = 3;
// Bare domains end in a TLD from a short list: "example.com" is a URL, "index.ts" or "e.g." is
// not. Found from each TLD occurrence by scanning left (no attempt at ordinary word positions).
const TLD =
  /\.(?:com|org|net|edu|gov|info|biz|io|co|uk|de|fr|nl|eu|ca|au|ch|se|no|dk|fi|es|it|pl|be|at|pt|br|jp|cn|in|ru|us)(?![\p{L}\p{N}@-])/giu;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}[a-z]{2,4}$/i;

/** The end of a URL's tail of `min` to MAX_URL_TAIL code points from `from`, or -1. */
function tailEnd(text: string, from: number, min: number): number {
  const end = urlCharsEnd(text, from);
  if (codePointsAfter(text, from, end, min) < 0) return -1;
  if (end - from <= MAX_URL_TAIL) return end; // no more code points than units
  const capped = codePointsAfter(text, from, end, MAX_URL_TAIL);
  return capped < 0 ? end : capped;
}

type Span = { start: number; end: number };

export function schemeUrls(text: string): Span[] {
  const out: Span[] = [];
  let lastEnd = 0;
  for (let sep = text.indexOf("://"); sep >= 0; sep = text.indexOf("://", sep + 1)) {
    for (const length of SCHEME_LENGTHS) {
      const start = sep - length;
      if (start < lastEnd) continue;
      SCHEME.lastIndex = start;
      if (!SCHEME.test(text)) continue;
      const end = tailEnd(text, sep + 3, 1);
      if (end < 0) continue;
      lastEnd = end;
      out.push({ start, end });
      break;
    }
  }
  return out;
}

/** What a global scan with `(?<![\p{L}\p{N}./@-])www\.[^\s<>"'`{}|\\^]{3,2048}` (iu) finds. */
export function wwwUrls(text: string): Span[] {
  const out: Span[] = [];
  WWW_LITERAL.lastIndex = 0;
  for (let m = WWW_LITERAL.exec(text); m !== null; m = WWW_LITERAL.exec(text)) {
    WWW.lastIndex = m.index;
    if (!WWW.test(text)) continue;
    const end = tailEnd(text, m.index + 4, MIN_WWW_TAIL);
    if (end < 0) continue;
    out.push({ start: m.index, end });
    WWW_LITERAL.lastIndex = end;
  }
  return out;
}

const DOMAIN_CHAR = asciiSet(/[A-Za-z0-9.-]/);
const ALNUM = asciiSet(/[A-Za-z0-9]/);
const inSet = (set: Uint8Array, c: number) => c < 128 && set[c] === 1;

function bareDomains(text: string): Span[] {
  const out: Span[] = [];
  let lastEnd = 0;
  for (const { start: dot, end: tldEnd } of matches(TLD, text)) {
    if (dot < lastEnd) continue;
    let start = dot;
    while (start > lastEnd && dot - start < 253 && inSet(DOMAIN_CHAR, text.charCodeAt(start - 1))) {
      start--;
    }
    while (start < dot && !inSet(ALNUM, text.charCodeAt(start))) start++;
    if (start === dot) continue;
    if (start > 0 && (wordCharAt(text, start - 1) || "./@:-".includes(text[start - 1]))) continue;
    if (!DOMAIN.test(text.slice(start, tldEnd))) continue;
    // An optional path: "/" and up to MAX_URL_TAIL URL characters, counted in UTF-16 units.
    const end =
      text.charCodeAt(tldEnd) === 47
        ? Math.min(urlCharsEnd(text, tldEnd + 1), tldEnd + 1 + MAX_URL_TAIL)
        : tldEnd;
    out.push({ start, end });
    lastEnd = end;
  }
  return out;
}

export const urlRecognizer: Recognizer = {
  name: "url",
  entities: ["URL"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    const context = ["url", "website", "link", "site", "web", "domain", "visit"];
    const add = (spans: Span[], score: number) => {
      for (const { start, end } of spans) {
        const e = trimTrailingPunctuation(text, start, end);
        if (e - start < 4) continue;
        out.push(finding("URL", start, e, score, "url", { context }));
      }
    };
    add(schemeUrls(text), 0.9);
    add(wwwUrls(text), 0.7);
    if (text.includes(".")) {
      for (const { start, end } of bareDomains(text)) {
        const e = trimTrailingPunctuation(text, start, end);
        out.push(finding("URL", start, e, 0.5, "url", { context }));
      }
    }
    return out;
  },
};
