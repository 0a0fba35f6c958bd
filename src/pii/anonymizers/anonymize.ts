// Applies operators to detected spans, and reverses the encrypt operator. Pure string functions:
// the CLI handles files (and writes nothing when a key is wrong).

import { MlsecError } from "../../core/index.js";
import { type AnalyzeOptions, analyze } from "../analyzer.js";
import { codePointOffsets } from "../offsets.js";
import type { EntityType, Finding } from "../types.js";
import { decryptDeterministic } from "./deterministic-encryption.js";
import type { PiiKeys } from "./keys.js";
import {
  type AnonymizerConfig,
  applyOperator,
  ENCRYPTED_TOKEN,
  type Operator,
} from "./operators.js";

export interface AnonymizedItem {
  readonly type: EntityType;
  readonly operator: Operator["type"];
  /** Offsets of the replacement in the output text (code points unless utf16 was asked). */
  readonly start: number;
  readonly end: number;
}

export interface AnonymizeResult {
  readonly text: string;
  readonly items: readonly AnonymizedItem[];
}

const DEFAULT_OPERATOR: Operator = { type: "replace" };

export function operatorFor(config: AnonymizerConfig, type: EntityType): Operator {
  return config.entities?.[type] ?? config.default ?? DEFAULT_OPERATOR;
}

/**
 * Replaces each finding (UTF-16 offsets, non-overlapping, as `analyze(…, {offsets: "utf16"})`
 * returns them) by its operator's output.
 */
export function anonymizeFindings(
  text: string,
  findings: readonly Pick<Finding, "type" | "start" | "end">[],
  config: AnonymizerConfig,
  keys?: PiiKeys,
  offsets: "codepoint" | "utf16" = "codepoint",
): AnonymizeResult {
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  const spans: { type: EntityType; operator: Operator["type"]; start: number; end: number }[] = [];
  let pos = 0;
  let outLength = 0;
  for (const f of sorted) {
    if (f.start < pos || f.end > text.length || f.start > f.end) {
      throw new MlsecError("E_INVALID_ARGUMENT", "findings overlap or lie outside the text");
    }
    parts.push(text.slice(pos, f.start));
    outLength += f.start - pos;
    const op = operatorFor(config, f.type);
    const replacement = applyOperator(op, f.type, text.slice(f.start, f.end), keys);
    parts.push(replacement);
    spans.push({
      type: f.type,
      operator: op.type,
      start: outLength,
      end: outLength + replacement.length,
    });
    outLength += replacement.length;
    pos = f.end;
  }
  parts.push(text.slice(pos));
  const out = parts.join("");
  const toOffset = offsets === "utf16" ? (i: number) => i : codePointOffsets(out);
  return {
    text: out,
    items: spans.map((s) => ({ ...s, start: toOffset(s.start), end: toOffset(s.end) })),
  };
}

/** Detects and anonymizes in one step. */
export function anonymizeText(
  text: string,
  config: AnonymizerConfig,
  keys?: PiiKeys,
  options: AnalyzeOptions = {},
): AnonymizeResult {
  const findings = analyze(text, { ...options, offsets: "utf16" });
  return anonymizeFindings(text, findings, config, keys, options.offsets ?? "codepoint");
}

/** Replaces every `<enc:TYPE:…>` token by its plaintext; throws E_PII_KEY on a wrong key. */
export function deanonymizeText(text: string, keys: PiiKeys): { text: string; restored: number } {
  let restored = 0;
  const out = text.replace(ENCRYPTED_TOKEN, (_m, type: string, b64: string) => {
    restored++;
    return decryptDeterministic(keys.encrypt, keys.nonce, type, Buffer.from(b64, "base64url"));
  });
  return { text: out, restored };
}
