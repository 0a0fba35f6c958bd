// Email addresses: RFC 5322 §3.4.1 addr-spec restricted to the dot-atom form seen in text, with
// RFC 5321 §4.5.3.1 length limits (local part <= 64, domain label <= 63 octets).

import type { RawFinding, Recognizer } from "../types.js";
import { finding, wordCharAt } from "./util.js";

// Matched at a known start (sticky), found by scanning left from each "@": the engine never
// tries the pattern at ordinary word positions, so the pass costs O(text + 64 per "@").
const EMAIL =
  /[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]{0,63})@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}-])/uy;
const LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;

export const emailRecognizer: Recognizer = {
  name: "email",
  entities: ["EMAIL_ADDRESS"],
  detect(text: string): RawFinding[] {
    if (!text.includes("@")) return [];
    const out: RawFinding[] = [];
    let lastEnd = 0;
    for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@", at + 1)) {
      if (at < lastEnd) continue;
      let start = at;
      while (start > lastEnd && at - start < 64 && LOCAL_CHAR.test(text[start - 1])) start--;
      // Local parts start with a letter or digit.
      while (start < at && !wordCharAt(text, start)) start++;
      if (start === at || (start > 0 && LOCAL_CHAR.test(text[start - 1]))) continue;
      EMAIL.lastIndex = start;
      const match = EMAIL.exec(text);
      if (match === null) continue;
      const end = start + match[0].length;
      lastEnd = end;
      const [local] = match[0].split("@");
      // RFC 5322 dot-atom: no leading, trailing or doubled dots in the local part.
      if (local.endsWith(".") || local.includes("..")) continue;
      out.push(finding("EMAIL_ADDRESS", start, end, 1, "email", { context: ["email", "mail"] }));
    }
    return out;
  },
};
