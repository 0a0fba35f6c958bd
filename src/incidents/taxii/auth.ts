// Authentication of TAXII requests (TAXII 2.1 §1.6.9: HTTP basic or bearer over TLS).
import { createHash, timingSafeEqual } from "node:crypto";
import type { TaxiiPrincipal } from "./config.js";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export class Authenticator {
  private readonly principals: { principal: TaxiiPrincipal; digest: Buffer }[];

  constructor(principals: readonly TaxiiPrincipal[]) {
    this.principals = principals.map((p) => ({ principal: p, digest: digest(p.token) }));
  }

  /**
   * The principal an Authorization header proves, or undefined. Bearer: the token. Basic: the
   * principal's name as user and its token as password. Compared in constant time over
   * SHA-256 digests, so neither length nor prefix of a token leaks through timing.
   */
  authenticate(header: string | undefined): TaxiiPrincipal | undefined {
    if (!header || header.length > 4096) return undefined;
    const space = header.indexOf(" ");
    if (space < 0) return undefined;
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    let user: string | undefined;
    let secret: string;
    if (scheme === "bearer") secret = value;
    else if (scheme === "basic") {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) return undefined;
      user = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    } else return undefined;
    const d = digest(secret);
    let found: TaxiiPrincipal | undefined;
    for (const p of this.principals) {
      // No early exit: every principal is compared.
      if (timingSafeEqual(d, p.digest) && (user === undefined || user === p.principal.name)) {
        found = p.principal;
      }
    }
    return found;
  }
}
