// TLP 2.0 marking definitions for STIX 2.1: the fixed objects of the OASIS TLP 2.0 extension
// (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d, cti-stix-common-objects).
import type { Tlp } from "../model.js";

export const TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

export const TLP2_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
  green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
  amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
  "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
  red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
};

/** The TLP 1.0 markings of STIX 2.1 §7.2.1.4, mapped to their TLP 2.0 level on import. */
const TLP1_MARKING_IDS: Readonly<Record<string, Tlp>> = {
  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear", // TLP:WHITE
  "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
};

export interface TlpMarkingDefinition {
  readonly [property: string]: unknown;
  readonly type: "marking-definition";
  readonly spec_version: "2.1";
  readonly id: string;
  readonly created: string;
  readonly name: string;
  readonly extensions: Record<string, { extension_type: "property-extension"; tlp_2_0: Tlp }>;
}

export function tlpMarking(tlp: Tlp): TlpMarkingDefinition {
  return {
    type: "marking-definition",
    spec_version: "2.1",
    id: TLP2_MARKING_IDS[tlp],
    created: "2022-10-01T00:00:00.000Z",
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: "property-extension", tlp_2_0: tlp } },
  };
}

const BY_ID = new Map<string, Tlp>([
  ...Object.entries(TLP2_MARKING_IDS).map(([tlp, id]) => [id, tlp as Tlp] as const),
  ...Object.entries(TLP1_MARKING_IDS),
]);

const ORDER: readonly Tlp[] = ["clear", "green", "amber", "amber+strict", "red"];

/** The most restrictive TLP among an object's marking refs; undefined when it has none. */
export function tlpOf(markingRefs: unknown): Tlp | undefined {
  if (!Array.isArray(markingRefs)) return undefined;
  let worst: Tlp | undefined;
  for (const ref of markingRefs) {
    const tlp = typeof ref === "string" ? BY_ID.get(ref) : undefined;
    if (tlp && (worst === undefined || ORDER.indexOf(tlp) > ORDER.indexOf(worst))) worst = tlp;
  }
  return worst;
}

export function isTlpMarkingId(id: string): boolean {
  return BY_ID.has(id);
}
