// Email addresses: RFC 5322 §3.4.1 addr-spec restricted to the dot-atom form seen in text, with
// RFC 5321 §4.5.3.1 length limits (local part <= 64, domain label <= 63 octets).

import type { RawFinding, Recognizer } from "../types.js";
import { finding, matches } from "./util.js";

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]{0,63})@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

export const emailRecognizer: Recognizer = {
  name: "email",
  entities: ["EMAIL_ADDRESS"],
  detect(text: string): RawFinding[] {
    if (!text.includes("@")) return [];
    const out: RawFinding[] = [];
    for (const { start, end, match } of matches(EMAIL, text)) {
      const [local] = match[0].split("@");
      // RFC 5322 dot-atom: no leading, trailing or doubled dots in the local part.
      if (local.endsWith(".") || local.includes("..")) continue;
      out.push(finding("EMAIL_ADDRESS", start, end, 1, "email", { context: ["email", "mail"] }));
    }
    return out;
  },
};
