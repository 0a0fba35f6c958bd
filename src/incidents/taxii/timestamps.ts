// TAXII/STIX timestamps (RFC 3339, UTC) normalised to fixed-width microsecond strings, so that
// ordering and comparison can be done on the stored text in SQLite and PostgreSQL alike.

const RFC3339_UTC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** "2026-01-02T03:04:05.123456Z", or undefined when not an RFC 3339 UTC timestamp. */
export function normalizeTimestamp(value: string): string | undefined {
  const m = RFC3339_UTC.exec(value);
  if (!m || Number.isNaN(Date.parse(`${m[1]}Z`))) return undefined;
  return `${m[1]}.${(m[2] ?? "").padEnd(6, "0").slice(0, 6)}Z`;
}

export function microsOf(ts: string): bigint {
  const ms = BigInt(Date.parse(`${ts.slice(0, 19)}Z`));
  return ms * 1000n + BigInt(ts.slice(20, 26));
}

export function fromMicros(us: bigint): string {
  const ms = Number(us / 1000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}.${String(us % 1_000_000n).padStart(6, "0")}Z`;
}
