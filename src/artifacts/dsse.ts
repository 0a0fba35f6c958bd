// DSSE pre-authentication encoding, DSSE protocol v1.0.0
// (github.com/secure-systems-lab/dsse/blob/v1.0.0/protocol.md), plus the model_signing v0.2
// "compat" encoding whose bug (a Python bytes repr inside the string) old signatures carry.

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, "utf8");
  return Buffer.concat([head, payload]);
}

/** Python's repr() of a bytes object: b'...' with Python's escaping rules. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const hasDouble = bytes.includes(0x22);
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return `${out}${quote}`;
}

/** The legacy v0.2 encoding: "DSSEV1 28 <type> <len> " + repr(payload). */
export function paeCompat(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.from(
    `DSSEV1 ${type.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`,
    "utf8",
  );
}
