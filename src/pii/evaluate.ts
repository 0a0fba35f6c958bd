// Span-level evaluation of a PII detector against labelled text, after presidio-research's span
// evaluator: character-level intersection-over-union between a predicted and a gold span of the
// same type, one-to-one matching, adjacent spans of one type merged (as its token-level IO
// tagging does), precision, recall, F1 and F2 per type and overall.

import { MlsecError } from "../core/index.js";
import type { Finding } from "./types.js";

export interface LabelledSpan {
  readonly type: string;
  /** Code-point offsets, end exclusive (as Python and Presidio report them). */
  readonly start: number;
  readonly end: number;
}

export interface LabelledText {
  readonly text: string;
  readonly spans: readonly LabelledSpan[];
}

export interface TypeScores {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly f2: number;
}

export interface EvaluationResult {
  readonly documents: number;
  readonly iouThreshold: number;
  readonly overall: TypeScores;
  readonly perType: Readonly<Record<string, TypeScores>>;
}

export interface EvaluateOptions {
  /** Minimum character IoU for a match (default 0.5). */
  readonly iouThreshold?: number;
  /** Gold label → detector label (e.g. GPE → LOCATION); labels mapped to null are ignored. */
  readonly labelMap?: Readonly<Record<string, string | null>>;
}

/** Presidio's own evaluation mapping for synth_dataset_v2 (presidio-research notebook 4). */
export const PRESIDIO_LABEL_MAP: Readonly<Record<string, string | null>> = {
  PERSON: "PERSON",
  STREET_ADDRESS: "LOCATION",
  GPE: "LOCATION",
  LOCATION: "LOCATION",
  DOMAIN_NAME: "URL",
  CREDIT_CARD: "CREDIT_CARD",
  DATE_TIME: "DATE_TIME",
  PHONE_NUMBER: "PHONE_NUMBER",
  EMAIL_ADDRESS: "EMAIL_ADDRESS",
  IBAN_CODE: "IBAN_CODE",
  US_SSN: "US_SSN",
  IP_ADDRESS: "IP_ADDRESS",
  US_DRIVER_LICENSE: "US_DRIVER_LICENSE",
  ORGANIZATION: null,
  TITLE: null,
  AGE: null,
  ZIP_CODE: null,
  NRP: null,
};

interface Span {
  type: string;
  start: number;
  end: number;
}

/** Merges spans of one type separated only by whitespace (consecutive tokens of one label). */
export function mergeAdjacent(text: readonly string[], spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.type === s.type && s.start <= last.end) {
      last.end = Math.max(last.end, s.end);
      continue;
    }
    if (
      last !== undefined &&
      last.type === s.type &&
      /^\s*$/u.test(text.slice(last.end, s.start).join(""))
    ) {
      last.end = Math.max(last.end, s.end);
      continue;
    }
    out.push({ ...s });
  }
  return out;
}

function iou(a: Span, b: Span): number {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (inter <= 0) return 0;
  return inter / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

function scores(tp: number, fp: number, fn: number): TypeScores {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const fBeta = (beta: number) =>
    ratio((1 + beta * beta) * precision * recall, beta * beta * precision + recall);
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision,
    recall,
    f1: fBeta(1),
    f2: fBeta(2),
  };
}

/**
 * Scores predictions (code-point offsets) against gold spans. `predict` is called once per text.
 * Only types that appear in the gold labels (after mapping) are scored; predictions of other
 * types are ignored, as Presidio's evaluation ignores entities it was not asked for.
 */
export function evaluateSpans(
  data: readonly LabelledText[],
  predict: (text: string) => readonly Pick<Finding, "type" | "start" | "end">[],
  options: EvaluateOptions = {},
): EvaluationResult {
  const threshold = options.iouThreshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `iouThreshold must be in (0, 1], got ${threshold}`);
  }
  const map = options.labelMap;
  const mapLabel = (t: string) => (map === undefined ? t : map[t] === undefined ? t : map[t]);
  const scored = new Set<string>();
  for (const d of data) {
    for (const s of d.spans) {
      const t = mapLabel(s.type);
      if (t !== null) scored.add(t);
    }
  }
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const t of scored) counts.set(t, { tp: 0, fp: 0, fn: 0 });
  for (const d of data) {
    const chars = Array.from(d.text);
    const gold = mergeAdjacent(
      chars,
      d.spans.flatMap((s) => {
        const t = mapLabel(s.type);
        return t === null ? [] : [{ type: t, start: s.start, end: s.end }];
      }),
    );
    const predicted = mergeAdjacent(
      chars,
      predict(d.text)
        .filter((p) => scored.has(p.type))
        .map((p) => ({ type: p.type, start: p.start, end: p.end })),
    );
    const used = new Set<number>();
    for (const p of predicted) {
      let best = -1;
      let bestIou = threshold;
      gold.forEach((g, gi) => {
        if (used.has(gi) || g.type !== p.type) return;
        const v = iou(p, g);
        if (v >= bestIou) {
          bestIou = v;
          best = gi;
        }
      });
      const c = counts.get(p.type)!;
      if (best >= 0) {
        used.add(best);
        c.tp++;
      } else c.fp++;
    }
    gold.forEach((g, gi) => {
      if (!used.has(gi)) counts.get(g.type)!.fn++;
    });
  }
  const perType: Record<string, TypeScores> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [t, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    perType[t] = scores(c.tp, c.fp, c.fn);
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
  }
  return { documents: data.length, iouThreshold: threshold, overall: scores(tp, fp, fn), perType };
}

/** Reads presidio-research's synth_dataset JSON (already parsed) into labelled texts. */
export function fromPresidioDataset(json: unknown): LabelledText[] {
  if (!Array.isArray(json)) {
    throw new MlsecError("E_DATA_FORMAT", "a Presidio dataset is a JSON array of records");
  }
  return json.map((r, i) => {
    if (typeof r?.full_text !== "string" || !Array.isArray(r.spans)) {
      throw new MlsecError("E_DATA_FORMAT", `record ${i} lacks full_text or spans`);
    }
    return {
      text: r.full_text,
      spans: r.spans.map((s: Record<string, unknown>) => ({
        type: String(s.entity_type),
        start: Number(s.start_position),
        end: Number(s.end_position),
      })),
    };
  });
}
