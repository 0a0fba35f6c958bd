// X.509 certification path validation for model signatures (RFC 5280 §6, reduced to what the
// model_signing certificate method checks: signatures up the chain to a trusted root, CA flags
// on issuers, validity at the leaf's notBefore, and the leaf's KeyUsage digitalSignature or
// ExtendedKeyUsage codeSigning). Signature checks are node:crypto's X509Certificate.

import { X509Certificate } from "node:crypto";
import { MlsecError } from "../core/index.js";

const MAX_CHAIN = 10;
const EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
// DER encoding of OID 2.5.29.15 (id-ce-keyUsage).
const KEY_USAGE_OID = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0f]);

function fail(message: string): never {
  throw new MlsecError("E_CERT_CHAIN_INVALID", message);
}

/** Parses every certificate of a PEM file. */
export function parsePemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks || blocks.length === 0) {
    throw new MlsecError("E_KEY_FORMAT", "no PEM certificate found");
  }
  if (blocks.length > 1000) throw new MlsecError("E_LIMIT_EXCEEDED", "too many certificates");
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (cause) {
      throw new MlsecError("E_KEY_FORMAT", "malformed PEM certificate", { cause });
    }
  });
}

export function parseDerCertificate(der: Buffer): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (cause) {
    throw new MlsecError("E_SIGNATURE_FORMAT", "malformed certificate in the bundle", { cause });
  }
  // OpenSSL accepts a signatureValue BIT STRING with unused bits, and signature checks ignore
  // them: without this, a changed byte would leave a certificate that still verifies.
  if (!cert.raw.equals(der) || signatureUnusedBits(der) !== 0) {
    throw new MlsecError("E_SIGNATURE_FORMAT", "a certificate in the bundle is not strict DER");
  }
  return cert;
}

/** The unused-bits count of Certificate.signatureValue (RFC 5280 4.1: the third element). */
function signatureUnusedBits(der: Buffer): number {
  const outer = tlv(der, 0, der.length);
  const tbs = tlv(der, outer.start, outer.end);
  const algorithm = tlv(der, tbs.end, outer.end);
  const signature = tlv(der, algorithm.end, outer.end);
  if (signature.tag !== 0x03 || signature.end <= signature.start) fail("malformed signatureValue");
  return der[signature.start];
}

/** Reads one DER TLV at `at`: returns tag, content start and end. Bounded by `limit`. */
function tlv(der: Buffer, at: number, limit: number): { tag: number; start: number; end: number } {
  if (at + 2 > limit) fail("truncated DER");
  const tag = der[at];
  let len = der[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) fail("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i];
    start += n;
  }
  if (start + len > limit) fail("DER length beyond its container");
  return { tag, start, end: start + len };
}

/**
 * The KeyUsage digitalSignature bit, or undefined when the extension is absent. Walks
 * Certificate → TBSCertificate → [3] extensions → Extension{OID, critical?, OCTET STRING}.
 */
export function hasDigitalSignatureUsage(cert: X509Certificate): boolean | undefined {
  const der = cert.raw;
  const outer = tlv(der, 0, der.length);
  const tbs = tlv(der, outer.start, outer.end);
  let at = tbs.start;
  while (at < tbs.end) {
    const field = tlv(der, at, tbs.end);
    if (field.tag === 0xa3) {
      const list = tlv(der, field.start, field.end);
      let e = list.start;
      while (e < list.end) {
        const ext = tlv(der, e, list.end);
        const oid = tlv(der, ext.start, ext.end);
        if (der.subarray(ext.start, oid.end).equals(KEY_USAGE_OID)) {
          let next = tlv(der, oid.end, ext.end);
          if (next.tag === 0x01) next = tlv(der, next.end, ext.end);
          const bits = tlv(der, next.start, next.end);
          if (bits.tag !== 0x03 || bits.end - bits.start < 2) fail("malformed KeyUsage");
          return (der[bits.start + 1] & 0x80) !== 0;
        }
        e = ext.end;
      }
      return undefined;
    }
    at = field.end;
  }
  return undefined;
}

function validAt(cert: X509Certificate, time: Date): boolean {
  return new Date(cert.validFrom) <= time && time <= new Date(cert.validTo);
}

function issues(issuer: X509Certificate, subject: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

export interface ChainResult {
  /** Subjects from the leaf to the trust anchor. */
  readonly path: readonly string[];
}

/**
 * Validates `chain[0]` (the signing certificate) up to one of `roots`, through the other
 * certificates of `chain`. Time: the leaf's notBefore (keys are long-lived, there is no
 * timestamp), as model_signing does.
 */
export function verifyCertificateChain(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
): ChainResult {
  if (chain.length === 0) fail("the bundle carries no certificate");
  const leaf = chain[0];
  const time = new Date(leaf.validFrom);
  const pool = chain.slice(1);
  const usage = hasDigitalSignatureUsage(leaf);
  const codeSigning = leaf.keyUsage?.includes(EKU_CODE_SIGNING) ?? false;
  if (usage !== true && !codeSigning) {
    fail("the signing certificate has neither digitalSignature nor codeSigning usage");
  }
  const path = [leaf.subject];
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    if (!validAt(current, time)) fail(`certificate ${current.subject} is not valid at ${time}`);
    if (roots.some((r) => r.fingerprint256 === current.fingerprint256)) return { path };
    const anchor = roots.find((r) => issues(r, current));
    if (anchor !== undefined) {
      if (!anchor.ca) fail(`trust anchor ${anchor.subject} is not a CA`);
      if (!validAt(anchor, time)) fail(`trust anchor ${anchor.subject} is not valid at ${time}`);
      path.push(anchor.subject);
      return { path };
    }
    const next = pool.find((c) => c !== current && issues(c, current));
    if (next === undefined) fail(`no trusted issuer for ${current.subject.replace(/\n/g, ", ")}`);
    if (!next.ca) fail(`issuer ${next.subject} is not a CA`);
    path.push(next.subject);
    current = next;
  }
  fail(`certificate chain longer than ${MAX_CHAIN}`);
}
