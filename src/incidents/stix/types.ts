// Plain STIX 2.1 objects as JSON (OASIS STIX Version 2.1, §3 common properties).

export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly spec_version?: string;
  readonly created?: string;
  readonly modified?: string;
  readonly object_marking_refs?: readonly string[];
  readonly [property: string]: unknown;
}

export interface StixBundle {
  readonly type: "bundle";
  readonly id: string;
  readonly objects: readonly StixObject[];
}

/** The object types mlsec writes and understands on import (STIX 2.1 §4-§7). */
export const KNOWN_TYPES = new Set([
  "attack-pattern",
  "course-of-action",
  "identity",
  "incident",
  "indicator",
  "marking-definition",
  "observed-data",
  "relationship",
  "report",
  "sighting",
  "vulnerability",
  "file",
  "ipv4-addr",
  "domain-name",
  "url",
  "extension-definition",
]);

/** Cyber-observable types (they carry no created/modified). */
export const SCO_TYPES = new Set(["file", "ipv4-addr", "domain-name", "url"]);

export const ATLAS_SOURCE = "mitre-atlas";
