// IP addresses: candidates by pattern, validated by node:net isIP (RFC 791 dotted quad without
// leading zeros, RFC 4291 §2.2 text forms of IPv6).

import { isIP } from "node:net";
import type { RawFinding, Recognizer } from "../types.js";
import {
  type DigitAnchoredScan,
  digitAnchoredMatches,
  type Lengths,
  runsShaped,
} from "./digit-runs.js";
import { asciiSet, finding, wordCharAt } from "./util.js";

// Tried (sticky) at each of four runs of one to three digits with a dot between.
const OCTETS: readonly Lengths[] = [
  [1, 3],
  [1, 3],
  [1, 3],
  [1, 3],
];
export const V4_CANDIDATES: DigitAnchoredScan = {
  re: /\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\p{L}\p{N}]|\.\d)/uy,
  lead: 0,
  notAfter: ".",
  first: [1, 3],
  followedBy: asciiSet(/\./),
  mayStart: (text, runs, r) => runsShaped(text, runs, r, OCTETS),
};
// Hex groups around at least two colons (and a trailing dotted quad); ASCII classes only, at
// most 45 characters (RFC 4291 max). Not followed by ".digit": the last hex group then starts a
// dotted quad ("::ffff:10.0.0.1", "2001:db8::192.168.1.1"), which must not be cut after "10".
const V6 =
  /(?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,7}(?::?\d{1,3}(?:\.\d{1,3}){3})?(?![\p{L}\p{N}:]|\.\d)/uy;
const NOT_AFTER_V6 = ":.";

const isHexDigit = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * The end of the colon pair (two colons at most four hex digits apart: every IPv6 candidate's
 * first two) whose first colon is at `colon`, or -1 if there is none.
 */
function colonPairEnd(text: string, colon: number): number {
  let i = colon + 1;
  while (i - colon <= 4 && isHexDigit(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 58 ? i + 1 : -1;
}

/**
 * What `matches(V6-as-global, text, ":.")` yields. A candidate starts at most four hex digits
 * before its first colon, not after a letter, digit, colon or dot; so V6 is tried (sticky) only
 * there, for each colon pair found left to right (as a global scan for the pair would: a pair's
 * second colon does not start the next pair), instead of at every hex letter of the text. (A
 * colon that a pair took as its second one is never a candidate's first: a colon or hex digits
 * precede it.)
 */
function v6Candidates(text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let next = 0;
  let from = 0; // where the search for the next pair resumes
  for (let colon = text.indexOf(":"); colon >= 0; colon = text.indexOf(":", from)) {
    const pairEnd = colonPairEnd(text, colon);
    if (pairEnd < 0) {
      from = colon + 1;
      continue;
    }
    from = pairEnd;
    for (let s = Math.max(next, colon - 4); s <= colon; s++) {
      if (s > 0 && (wordCharAt(text, s - 1) || NOT_AFTER_V6.includes(text[s - 1]))) continue;
      V6.lastIndex = s;
      const m = V6.exec(text);
      if (m === null || m[0].length === 0) continue;
      next = s + m[0].length;
      if (from < next) from = next;
      out.push(m);
      break;
    }
  }
  return out;
}

export const ipAddressRecognizer: Recognizer = {
  name: "ip-address",
  entities: ["IP_ADDRESS"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    const extra = {
      context: ["ip", "ipv4", "ipv6", "address", "host", "server", "client"],
      negativeContext: ["version", "v", "release", "build"],
    };
    for (const { start, end, match } of digitAnchoredMatches(V4_CANDIDATES, text)) {
      const [addr] = match[0].split("/");
      if (isIP(addr) !== 4) continue;
      out.push(finding("IP_ADDRESS", start, end, 0.6, "ip-address", { ...extra, detail: "v4" }));
    }
    for (const match of v6Candidates(text)) {
      const start = match.index;
      let addr = match[0];
      while (addr.endsWith(".")) addr = addr.slice(0, -1);
      // Needs at least two colons and a hex digit: rules out times (10:30) and "::".
      if ((addr.match(/:/g)?.length ?? 0) < 2 || !/[0-9A-Fa-f]/.test(addr)) continue;
      if (isIP(addr) !== 6) continue;
      out.push(
        finding("IP_ADDRESS", start, start + addr.length, 0.6, "ip-address", {
          ...extra,
          detail: "v6",
        }),
      );
    }
    return out;
  },
};
