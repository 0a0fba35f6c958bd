// The analyzer: runs recognizers, applies context words (Presidio's context-aware enhancement:
// a context word shortly before a span raises its score, a negative one lowers it), keeps the
// best of overlapping findings, and reports offsets in code points (default) or UTF-16 units.

import { MlsecError } from "../core/index.js";
import { codePointOffsets } from "./offsets.js";
import { keptIndices } from "./overlaps.js";
import { DIGIT, LETTER, unitClass } from "./recognizers/char-classes.js";
import { DEFAULT_RECOGNIZERS } from "./recognizers/index.js";
import { spanInList } from "./recognizers/word-bits.js";
import type { EntityType, Finding, OffsetUnit, RawFinding, Recognizer } from "./types.js";

export interface AnalyzeOptions {
  /** Only these entity types (default: all). */
  readonly entities?: readonly EntityType[];
  /** Findings scoring below this are dropped (default 0.4, as Presidio's evaluation). */
  readonly minScore?: number;
  readonly offsets?: OffsetUnit;
  /** Recognizers to run (default: all built-in ones; add a NER model's recognizer here). */
  readonly recognizers?: readonly Recognizer[];
  /** Longest text accepted, in UTF-16 units (default 64 Mi). */
  readonly maxTextLength?: number;
  /** Longest line accepted, in UTF-16 units (default 1 Mi). */
  readonly maxLineLength?: number;
  /** How many words before a span are searched for context words (default 5). */
  readonly contextWindow?: number;
}

export const DEFAULT_MIN_SCORE = 0.4;
export const DEFAULT_MAX_TEXT_LENGTH = 64 * 1024 * 1024;
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;
const CONTEXT_BOOST = 0.35;
const CONTEXT_FLOOR = 0.4;
const NEGATIVE_PENALTY = 0.35;

/** ASCII characters of context words: letters, digits, apostrophe, '#' and '_'. */
const ASCII_CONTEXT_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_CONTEXT_CHAR[c] = /[A-Za-z0-9'#_]/.test(String.fromCharCode(c)) ? 1 : 0;
}

/** Letters, digits, apostrophe, '#' and '_' make up context words (ASCII by table). */
function contextChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_CONTEXT_CHAR[c] === 1;
  // Surrogate halves: astral letters are rare; treating both halves as word characters keeps
  // a character's two units together.
  return (c >= 0xd800 && c <= 0xdfff) || (unitClass(c) & (LETTER | DIGIT)) !== 0;
}

/** Word boundaries found by the last backward scan: [start, end] per word, nearest first. */
let wordBounds = new Int32Array(16);

/**
 * Scans back from `end` for the last `count` words (nearest first) and stores their bounds in
 * `wordBounds`; returns how many. Looks back at most 20 characters per word (bounded work per
 * finding); the first word of that window is dropped, as it is probably cut in half.
 */
function scanWordsBefore(text: string, end: number, count: number): number {
  // Findings of several recognizers often start at the same word.
  if (end === lastScan.end && count === lastScan.count && text === lastScan.text) {
    return lastScan.words;
  }
  const words = scanContextWords(text, end, count);
  lastScan = { text, end, count, words };
  return words;
}

let lastScan = { text: "", end: -1, count: -1, words: 0 };

function scanContextWords(text: string, end: number, count: number): number {
  if (wordBounds.length < 2 * (count + 1)) wordBounds = new Int32Array(2 * (count + 1));
  const from = Math.max(0, end - count * 20);
  let n = 0;
  let i = end;
  while (n <= count) {
    while (i > from && !contextChar(text, i - 1)) i--;
    if (i <= from) break;
    wordBounds[2 * n + 1] = i;
    while (i > from && contextChar(text, i - 1)) i--;
    wordBounds[2 * n] = i;
    n++;
  }
  return n > count || (n > 0 && from > 0 && i <= from) ? n - 1 : n;
}

/** Whether one of the scanned words, lower-cased, is in `list`. */
function anyWordIn(text: string, words: number, list: readonly string[] | undefined): boolean {
  if (list === undefined) return false;
  for (let w = 0; w < words; w++) {
    const start = wordBounds[2 * w];
    const end = wordBounds[2 * w + 1];
    if (spanInList(text, start, end, list)) return true;
  }
  return false;
}

function contextScore(text: string, f: RawFinding, window: number): number {
  if (f.context === undefined && f.negativeContext === undefined) return f.score;
  const words = scanWordsBefore(text, f.start, window);
  if (words === 0) return f.score;
  let score = f.score;
  if (anyWordIn(text, words, f.negativeContext)) {
    score = Math.max(0, score - NEGATIVE_PENALTY);
  } else if (anyWordIn(text, words, f.context)) {
    score = Math.max(CONTEXT_FLOOR, f.scoreWithContext ?? 0, Math.min(1, score + CONTEXT_BOOST));
  }
  return score;
}

function checkLimits(text: string, maxText: number, maxLine: number): void {
  if (text.length > maxText) {
    throw new MlsecError(
      "E_LIMIT_EXCEEDED",
      `text of ${text.length} characters exceeds the limit of ${maxText}`,
      { details: { length: text.length, limit: maxText } },
    );
  }
  // Jumps from line to line a limit's length at a time: the last line break within reach of a
  // line's start ends that line and every line after it up to the break.
  for (let lineStart = 0; text.length - lineStart > maxLine; ) {
    const nl = text.lastIndexOf("\n", lineStart + maxLine);
    if (nl < lineStart) {
      const end = text.indexOf("\n", lineStart);
      const length = (end < 0 ? text.length : end) - lineStart;
      throw new MlsecError(
        "E_LIMIT_EXCEEDED",
        `a line of ${length} characters exceeds the limit of ${maxLine}`,
        { details: { offset: lineStart, limit: maxLine } },
      );
    }
    lineStart = nl + 1;
  }
}

/** Finds PII in one text. Findings are sorted by start offset and never overlap. */
export function analyze(text: string, options: AnalyzeOptions = {}): Finding[] {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  if (!(minScore >= 0 && minScore <= 1)) {
    throw new MlsecError("E_INVALID_ARGUMENT", `minScore must be in [0, 1], got ${minScore}`);
  }
  checkLimits(
    text,
    options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH,
    options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
  );
  const wanted = options.entities === undefined ? undefined : new Set(options.entities);
  const recognizers = (options.recognizers ?? DEFAULT_RECOGNIZERS).filter(
    (r) => wanted === undefined || r.entities.some((e) => wanted.has(e)),
  );
  const window = options.contextWindow ?? 5;
  // Findings as the recognizers made them, with their scores after context words.
  const raw: RawFinding[] = [];
  const scores: number[] = [];
  for (const r of recognizers) {
    for (const f of r.detect(text)) {
      if (wanted !== undefined && !wanted.has(f.type)) continue;
      const score = contextScore(text, f, window);
      if (score >= minScore) {
        raw.push(f);
        scores.push(score);
      }
    }
  }
  // `raw` is in recognizer order, the last tie-break of overlap resolution.
  const kept = keptIndices(raw, scores);
  if (kept.length === 0) return [];
  const toOffset = options.offsets === "utf16" ? (i: number) => i : codePointOffsets(text);
  return kept.map((i) => {
    const f = raw[i];
    const found: Finding = {
      type: f.type,
      start: toOffset(f.start),
      end: toOffset(f.end),
      score: Math.round(scores[i] * 1000) / 1000,
      recognizer: f.recognizer,
      text: text.slice(f.start, f.end),
    };
    return f.detail === undefined ? found : { ...found, detail: f.detail };
  });
}
