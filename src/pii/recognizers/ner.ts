// The plug-in point for a named-entity recognition model: any function (or external process)
// that returns labelled spans becomes a recognizer. Labels are mapped to Presidio's entity names
// (spaCy/OntoNotes PERSON, GPE, LOC, FAC, DATE, TIME; CoNLL-2003 PER, LOC; BIO prefixes are
// dropped), and its findings compete with the built-in recognizers in overlap resolution.
// The external protocol is JSON Lines: one {"text": …} per line in, one {"entities": [{start,
// end, label, score?}]} per line out, offsets in code points (Python's) unless told otherwise.

import { spawnSync } from "node:child_process";
import { MlsecError } from "../../core/index.js";
import { type EntityType, isEntityType, type RawFinding, type Recognizer } from "../types.js";

export interface NerEntity {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly score?: number;
}

export const NER_LABEL_MAP: Readonly<Record<string, EntityType>> = {
  PER: "PERSON",
  PERSON: "PERSON",
  LOC: "LOCATION",
  GPE: "LOCATION",
  FAC: "LOCATION",
  LOCATION: "LOCATION",
  DATE: "DATE_TIME",
  TIME: "DATE_TIME",
};

export interface NerOptions {
  readonly name?: string;
  /** Model label → entity type (default NER_LABEL_MAP; Presidio names map to themselves). */
  readonly labelMap?: Readonly<Record<string, EntityType>>;
  /** Offsets the model reports (default "codepoint"). */
  readonly offsets?: "codepoint" | "utf16";
  /** Score of spans the model gives none for (default 0.85). */
  readonly defaultScore?: number;
}

/** UTF-16 index of each code-point index of `text` (and of its end). */
function codePointToUtf16(text: string): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    out.push(i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
  }
  out.push(text.length);
  return Int32Array.from(out);
}

export function nerRecognizer(
  predict: (text: string) => readonly NerEntity[],
  options: NerOptions = {},
): Recognizer {
  const labelMap = options.labelMap ?? NER_LABEL_MAP;
  const name = options.name ?? "ner";
  const entities = [...new Set(Object.values(labelMap))];
  return {
    name,
    entities,
    detect(text: string): RawFinding[] {
      const spans = predict(text);
      const toUtf16 = options.offsets === "utf16" ? undefined : codePointToUtf16(text);
      const limit = toUtf16 === undefined ? text.length : toUtf16.length - 1;
      const out: RawFinding[] = [];
      for (const e of spans) {
        const label = e.label.replace(/^[BIES]-/, "").toUpperCase();
        const type = labelMap[label] ?? (isEntityType(label) ? label : undefined);
        if (type === undefined) continue;
        if (
          !(
            Number.isInteger(e.start) &&
            Number.isInteger(e.end) &&
            0 <= e.start &&
            e.start < e.end &&
            e.end <= limit
          )
        ) {
          throw new MlsecError(
            "E_PII_NER",
            `the NER model returned span [${e.start}, ${e.end}) outside a text of ${limit} characters`,
          );
        }
        const score = e.score ?? options.defaultScore ?? 0.85;
        out.push({
          type,
          start: toUtf16 === undefined ? e.start : toUtf16[e.start],
          end: toUtf16 === undefined ? e.end : toUtf16[e.end],
          score: Math.min(1, Math.max(0, score)),
          recognizer: name,
        });
      }
      return out;
    },
  };
}

const MAX_NER_OUTPUT = 256 * 1024 * 1024;

/**
 * Runs an external NER process once over all `texts` (JSON Lines in and out, one line per text)
 * and returns its entities per text. No shell: `command` is an argv.
 */
export function runNerCommand(
  command: readonly string[],
  texts: readonly string[],
  timeoutMs = 600_000,
): NerEntity[][] {
  if (command.length === 0) throw new MlsecError("E_USAGE", "the NER command is empty");
  const input = texts.map((text) => `${JSON.stringify({ text })}\n`).join("");
  const r = spawnSync(command[0], command.slice(1), {
    input,
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: MAX_NER_OUTPUT,
  });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? `exit ${r.status}: ${(r.stderr ?? "").trim().slice(0, 500)}`;
    throw new MlsecError("E_PII_NER", `NER command failed (${why})`);
  }
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "");
  if (lines.length !== texts.length) {
    throw new MlsecError(
      "E_PII_NER",
      `the NER command answered ${lines.length} line(s) for ${texts.length} text(s)`,
    );
  }
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new MlsecError("E_PII_NER", `NER output line ${i + 1} is not JSON`, { cause });
    }
    const entities = (value as { entities?: unknown } | null)?.entities;
    if (!Array.isArray(entities)) {
      throw new MlsecError("E_PII_NER", `NER output line ${i + 1} has no "entities" array`);
    }
    return entities.map((e, j) => {
      const { start, end, label, score } = (e ?? {}) as Record<string, unknown>;
      if (
        typeof start !== "number" ||
        typeof end !== "number" ||
        typeof label !== "string" ||
        (score !== undefined && typeof score !== "number")
      ) {
        throw new MlsecError(
          "E_PII_NER",
          `NER output line ${i + 1} entity ${j + 1} needs numeric start/end and a string label`,
        );
      }
      return { start, end, label, ...(score === undefined ? {} : { score }) };
    });
  });
}
