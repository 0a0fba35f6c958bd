// Preparing a bundle for sharing: drop objects above the allowed TLP (FIRST TLP 2.0) and
// anything that would then point at a dropped object, and redact free text.
import type { Tlp } from "../model.js";
import { tlpRank } from "../model.js";
import { isTlpMarkingId, tlpOf } from "./tlp.js";
import type { StixBundle, StixObject } from "./types.js";

/** Free-text properties that may carry personal data (STIX 2.1 common and SDO properties). */
export const FREE_TEXT_PROPERTIES = [
  "name",
  "description",
  "x_mlsec_impact",
  "x_mlsec_detection_source",
];

/** Replaces personal data in a string; returns it unchanged when there is none. */
export type Redactor = (text: string) => string;

export interface ShareOptions {
  /** The most restrictive TLP that may leave (objects above it are dropped). */
  readonly maxTlp: Tlp;
  /** Objects with no TLP marking are treated as this level (default amber: fail closed). */
  readonly unmarkedAs?: Tlp;
  readonly redact?: Redactor;
}

export interface ShareResult {
  readonly bundle: StixBundle;
  readonly dropped: readonly { id: string; reason: string }[];
  readonly redactedFields: number;
}

const SINGLE_REFS = ["created_by_ref", "source_ref", "target_ref", "sighting_of_ref"];
const LIST_REFS = ["object_refs", "observed_data_refs", "where_sighted_refs"];

export function prepareForSharing(bundle: StixBundle, options: ShareOptions): ShareResult {
  const dropped: { id: string; reason: string }[] = [];
  const unmarked = options.unmarkedAs ?? "amber";
  let kept = bundle.objects.filter((o) => {
    if (o.type === "marking-definition") return true;
    const tlp = tlpOf(o.object_marking_refs) ?? unmarked;
    if (tlpRank(tlp) <= tlpRank(options.maxTlp)) return true;
    dropped.push({ id: o.id, reason: `TLP:${tlp.toUpperCase()} is above the allowed level` });
    return false;
  });

  // Dropping one object can orphan others (a relationship to it, a sighting of it): repeat
  // until nothing else goes. Lists of refs (report object_refs) are pruned instead.
  for (;;) {
    const ids = new Set(kept.map((o) => o.id));
    const next: StixObject[] = [];
    for (const o of kept) {
      const missing = SINGLE_REFS.find(
        (k) => typeof o[k] === "string" && !ids.has(o[k] as string) && k !== "created_by_ref",
      );
      if (missing) {
        dropped.push({ id: o.id, reason: `its ${missing} points at a dropped object` });
        continue;
      }
      let copy: StixObject = o;
      if (typeof o.created_by_ref === "string" && !ids.has(o.created_by_ref)) {
        const { created_by_ref: _, ...rest } = copy;
        copy = rest as StixObject;
      }
      for (const k of LIST_REFS) {
        const list = o[k];
        if (!Array.isArray(list)) continue;
        const pruned = list.filter(
          (r) => typeof r === "string" && (ids.has(r) || isTlpMarkingId(r)),
        );
        if (pruned.length !== list.length) copy = { ...copy, [k]: pruned };
      }
      const emptied = LIST_REFS.find(
        (k) => Array.isArray(copy[k]) && (copy[k] as unknown[]).length === 0,
      );
      if (emptied) {
        dropped.push({ id: o.id, reason: `all of its ${emptied} were dropped` });
        continue;
      }
      next.push(copy);
    }
    const done = next.length === kept.length;
    kept = next;
    if (done) break;
  }

  // Marking definitions that nothing references any more are dropped too.
  const usedMarkings = new Set(kept.flatMap((o) => (o.object_marking_refs ?? []) as string[]));
  kept = kept.filter((o) => o.type !== "marking-definition" || usedMarkings.has(o.id));

  let redactedFields = 0;
  if (options.redact) {
    const redact = options.redact;
    kept = kept.map((o) => {
      let copy: StixObject = o;
      for (const k of FREE_TEXT_PROPERTIES) {
        const v = o[k];
        if (typeof v !== "string" || o.type === "marking-definition") continue;
        const r = redact(v);
        if (r !== v) {
          copy = { ...copy, [k]: r };
          redactedFields++;
        }
      }
      return copy;
    });
  }
  return { bundle: { ...bundle, objects: kept }, dropped, redactedFields };
}
