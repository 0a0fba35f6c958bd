// URLs: RFC 3986 URIs with an http(s)/ftp scheme, "www." hosts, and bare domain names with a
// common top-level domain (IANA root zone); trailing sentence punctuation is not part of a URL.

import type { RawFinding, Recognizer } from "../types.js";
import { asciiSet, finding, matches, trimTrailingPunctuation, wordCharAt } from "./util.js";

// Tried only just before each "://" (sticky), found with indexOf: a scan with this pattern
// would try its leading \b and alternation at every position of the text.
const SCHEME = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^]{1,2048}/iuy;
/** How far before "://" a scheme starts: "https", "http" and "ftp". */
const SCHEME_LENGTHS = [5, 4, 3] as const;
const WWW = /(?<![\p{L}\p{N}./@-])www\.[^\s<>"'`{}|\\^]{3,2048}/giu;
// Bare domains end in a TLD from a short list: "example.com" is a URL, "index.ts" or "e.g." is
// not. Found from each TLD occurrence by scanning left (no attempt at ordinary word positions).
const TLD =
  /\.(?:com|org|net|edu|gov|info|biz|io|co|uk|de|fr|nl|eu|ca|au|ch|se|no|dk|fi|es|it|pl|be|at|pt|br|jp|cn|in|ru|us)(?![\p{L}\p{N}@-])/giu;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}[a-z]{2,4}$/i;
const PATH = /\/[^\s<>"'`{}|\\^]{0,2048}/y;

function* schemeUrls(text: string): Generator<{ start: number; end: number }> {
  let lastEnd = 0;
  for (let sep = text.indexOf("://"); sep >= 0; sep = text.indexOf("://", sep + 1)) {
    for (const length of SCHEME_LENGTHS) {
      const start = sep - length;
      if (start < lastEnd) continue;
      SCHEME.lastIndex = start;
      const m = SCHEME.exec(text);
      if (m === null) continue;
      lastEnd = start + m[0].length;
      yield { start, end: lastEnd };
      break;
    }
  }
}

const DOMAIN_CHAR = asciiSet(/[A-Za-z0-9.-]/);
const ALNUM = asciiSet(/[A-Za-z0-9]/);
const inSet = (set: Uint8Array, c: number) => c < 128 && set[c] === 1;

function bareDomains(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
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
    PATH.lastIndex = tldEnd;
    const path = PATH.exec(text);
    const end = tldEnd + (path === null ? 0 : path[0].length);
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
    const add = (spans: Iterable<{ start: number; end: number }>, score: number) => {
      for (const { start, end } of spans) {
        const e = trimTrailingPunctuation(text, start, end);
        if (e - start < 4) continue;
        out.push(finding("URL", start, e, score, "url", { context }));
      }
    };
    add(schemeUrls(text), 0.9);
    if (/www\./i.test(text)) add(matches(WWW, text), 0.7);
    if (text.includes(".")) {
      for (const { start, end } of bareDomains(text)) {
        const e = trimTrailingPunctuation(text, start, end);
        out.push(finding("URL", start, e, 0.5, "url", { context }));
      }
    }
    return out;
  },
};
