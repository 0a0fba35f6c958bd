// URLs: RFC 3986 URIs with an http(s)/ftp scheme, "www." hosts, and bare domain names with a
// common top-level domain (IANA root zone); trailing sentence punctuation is not part of a URL.

import type { RawFinding, Recognizer } from "../types.js";
import { finding, matches, trimTrailingPunctuation } from "./util.js";

const SCHEME = /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^]{1,2048}/giu;
const WWW = /(?<![\p{L}\p{N}./@-])www\.[^\s<>"'`{}|\\^]{3,2048}/giu;
// Labels then a TLD from a short list: bare "example.com" is a URL, "index.ts" or "e.g." is not.
const BARE =
  /(?<![\p{L}\p{N}./@:-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,6}(?:com|org|net|edu|gov|info|biz|io|co|uk|de|fr|nl|eu|ca|au|ch|se|no|dk|fi|es|it|pl|be|at|pt|br|jp|cn|in|ru|us)(?:\/[^\s<>"'`{}|\\^]{0,2048})?(?![\p{L}\p{N}@-])/giu;

export const urlRecognizer: Recognizer = {
  name: "url",
  entities: ["URL"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    const context = ["url", "website", "link", "site", "web", "domain", "visit"];
    const add = (re: RegExp, score: number) => {
      for (const { start, end } of matches(re, text)) {
        const e = trimTrailingPunctuation(text, start, end);
        if (e - start < 4) continue;
        out.push(finding("URL", start, e, score, "url", { context }));
      }
    };
    if (text.includes("://")) add(SCHEME, 0.9);
    if (/www\./i.test(text)) add(WWW, 0.7);
    if (text.includes(".")) add(BARE, 0.5);
    return out;
  },
};
