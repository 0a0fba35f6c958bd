// Text rendering of a registry version, shared by publish and show.
import type { Version } from "../../../registry/index.js";

export function renderVersion(v: Version): string {
  const lines = [
    `  v${v.version}  ${v.digest}  ${v.format}  ${v.bytes} bytes  by ${v.createdBy} at ${v.createdAt}${v.deletedAt ? `  DELETED ${v.deletedAt}` : ""}`,
    `      scan: ${v.scan.verdict} (${v.scan.files} files)  signature: ${v.signature ? v.signature.signer : "none"}`,
  ];
  if (v.lastScan) lines.push(`      rescan: ${v.lastScan.scan.verdict} at ${v.lastScan.at}`);
  if (v.encryption)
    lines.push(`      encrypted at rest (${v.encryption.keyKind} ${v.encryption.keyId ?? ""})`);
  if (v.expiresAt) lines.push(`      retention ends ${v.expiresAt}`);
  const lineage = [
    ...v.lineage.datasets.map((d) => `dataset ${d.dataset}@${d.version} (${d.digest})`),
    v.lineage.parent && `parent ${v.lineage.parent}`,
    v.lineage.dataDigest && `data ${v.lineage.dataDigest}`,
    v.lineage.codeRevision && `code ${v.lineage.codeRevision}`,
  ].filter(Boolean);
  if (lineage.length > 0) lines.push(`      lineage: ${lineage.join(", ")}`);
  const metrics = Object.entries(v.metrics);
  if (metrics.length > 0)
    lines.push(`      metrics: ${metrics.map(([k, x]) => `${k}=${x}`).join(" ")}`);
  return lines.join("\n");
}
