// Credentials: AWS access key IDs (IAM unique-ID prefixes, base32 body), AWS secret keys (40
// base64 chars, only near a context word), GitHub tokens (prefixed formats announced by GitHub in
// 2021), PEM private-key blocks (RFC 7468 §2) and JSON Web Tokens (RFC 7519 §3, header decoded).

import type { RawFinding, Recognizer } from "../types.js";
import { asciiSet, finding, includesFrom, longTokens, matches, matchesNotAfter } from "./util.js";

// Patterns start with a literal and check the character before them in code (util's
// matchesNotAfter): a leading lookbehind would make the engine try every position.
const AWS_KEY_ID = /A(?:KIA|SIA|GPA|IDA|ROA|IPA|NPA|NVA)[A-Z2-7]{16}(?![A-Z0-9])/g;
const NOT_AFTER_AWS_KEY_ID = asciiSet(/[A-Z0-9]/);
/** AWS secret keys: exactly 40 base64 characters, not followed by padding. */
const AWS_SECRET_LENGTH = 40;
// GitHub tokens end in a run of letters and digits that starts a long base64 token (util's
// longTokens): the patterns are tried (sticky) only that far before such runs.
const GITHUB_CLASSIC = { re: /gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y, prefix: 4, run: 36 };
const GITHUB_FINE_GRAINED = {
  re: /github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])/y,
  prefix: 34,
  run: 59,
};
const NOT_AFTER_GITHUB = asciiSet(/[A-Za-z0-9_]/);

function* githubTokens(text: string): Generator<{ start: number; end: number }> {
  for (const [runStart, runEnd] of longTokens(text)) {
    for (const { re, prefix, run } of [GITHUB_FINE_GRAINED, GITHUB_CLASSIC]) {
      const start = runStart - prefix;
      if (runEnd - runStart < run || start < 0) continue;
      const prev = start > 0 ? text.charCodeAt(start - 1) : 128;
      if (prev < 128 && NOT_AFTER_GITHUB[prev] === 1) continue;
      re.lastIndex = start;
      const m = re.exec(text);
      if (m !== null) yield { start, end: start + m[0].length };
    }
  }
}
const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----/g;
const JWT =
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,4096}(?![A-Za-z0-9_-])/g;

function jwtHeaderValid(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8"));
    return typeof header === "object" && header !== null && typeof header.alg === "string";
  } catch {
    return false;
  }
}

export const secretsRecognizer: Recognizer = {
  name: "secrets",
  entities: ["SECRET"],
  detect(text: string): RawFinding[] {
    const out: RawFinding[] = [];
    for (const { start, end } of matchesNotAfter(AWS_KEY_ID, text, NOT_AFTER_AWS_KEY_ID)) {
      out.push(finding("SECRET", start, end, 0.95, "secrets", { detail: "aws-access-key-id" }));
    }
    for (const [start, end] of longTokens(text)) {
      if (end - start !== AWS_SECRET_LENGTH || text[end] === "=") continue;
      const s = text.slice(start, end);
      // Real keys mix cases and digits; hex digests and words do not.
      if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/\d/.test(s)) continue;
      out.push(
        finding("SECRET", start, end, 0.1, "secrets", {
          detail: "aws-secret-access-key",
          scoreWithContext: 0.85,
          context: ["aws_secret_access_key", "secret", "aws", "secret_access_key", "key"],
        }),
      );
    }
    for (const { start, end } of githubTokens(text)) {
      out.push(finding("SECRET", start, end, 0.95, "secrets", { detail: "github-token" }));
    }
    if (includesFrom(text, "-----BEGIN ", 5)) {
      // Pair each BEGIN with the first matching END after it; each footer kind is searched for
      // again only once its last hit is behind us, so the pass stays linear.
      const nextFooter = new Map<string, number>();
      for (const { start, end, match } of matches(PEM_BEGIN, text)) {
        const footer = `-----END ${match[1]}-----`;
        let close = nextFooter.get(footer);
        if (close === undefined || (close >= 0 && close < end)) {
          close = text.indexOf(footer, end);
          nextFooter.set(footer, close);
        }
        if (close < 0) continue;
        out.push(
          finding("SECRET", start, close + footer.length, 1, "secrets", {
            detail: "private-key",
          }),
        );
        PEM_BEGIN.lastIndex = close + footer.length;
      }
    }
    if (includesFrom(text, "eyJ", 1)) {
      for (const { start, end, match } of matches(JWT, text)) {
        if (jwtHeaderValid(match[0])) {
          out.push(finding("SECRET", start, end, 0.95, "secrets", { detail: "jwt" }));
        }
      }
    }
    return out;
  },
};
