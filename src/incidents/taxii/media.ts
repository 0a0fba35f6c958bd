// TAXII 2.1 media types and content negotiation (OASIS TAXII Version 2.1, §1.6.8, §3.2-3.4).

export const TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1";
export const STIX_MEDIA_TYPE = "application/stix+json;version=2.1";

interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

function parseMediaRange(text: string): MediaRange {
  const [type = "", ...rest] = text.split(";").map((s) => s.trim());
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq > 0)
      params.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, ""),
      );
  }
  return { type: type.toLowerCase(), params };
}

/** True when the value names TAXII 2.1 JSON (a version parameter, if any, must be 2.1). */
function isTaxii21(range: MediaRange): boolean {
  if (range.type !== "application/taxii+json") return false;
  const v = range.params.get("version");
  return v === undefined || v === "2.1";
}

/** §1.6.8.1: the server answers only when the client accepts TAXII 2.1 JSON (else 406). */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (!accept) return false;
  // Bound the work on a hostile header: at most 32 ranges are looked at.
  return accept
    .split(",")
    .slice(0, 32)
    .some((r) => {
      const range = parseMediaRange(r);
      const q = range.params.get("q");
      return isTaxii21(range) && (q === undefined || Number(q) > 0);
    });
}

/** POST bodies must be TAXII 2.1 JSON (else 415). */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && isTaxii21(parseMediaRange(contentType));
}
