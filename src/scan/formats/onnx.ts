// ONNX models (onnx/onnx.proto3, protobuf wire format): a wire-level walk that reads names,
// domains and external-data entries and skips tensor bytes. Flags external data whose location
// escapes the model directory and operators from custom domains (native custom-op libraries).
import type { ScanContext } from "../context.js";
import type { ByteSource } from "../source.js";
import { checkMemberName } from "./archive-names.js";
import { MAX_NESTING, Malformed, WireReader } from "./protobuf-wire.js";

const STANDARD_DOMAINS = new Set([
  "",
  "ai.onnx",
  "ai.onnx.ml",
  "ai.onnx.training",
  "ai.onnx.preview.training",
  "com.microsoft",
  "com.microsoft.nchwc",
  "com.ms.internal.nhwc",
]);
export function scanOnnx(src: ByteSource, ctx: ScanContext): void {
  const r = new WireReader(src);
  const customDomains = new Map<string, string[]>();
  const functionDomains = new Set<string>();
  let sawGraph = false;

  const tensor = (s: number, e: number): void => {
    let name = "";
    const external: Record<string, string> = {};
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (f === 8 && w === 2) name = r.text(vs, ve);
      if (f === 13 && w === 2) {
        let key = "";
        let value = "";
        r.fieldsOf(vs, ve, (kf, kw, ks, ke) => {
          if (kw !== 2) return;
          if (kf === 1) key = r.text(ks, ke);
          if (kf === 2) value = r.text(ks, ke);
        });
        external[key] = value;
      }
    });
    if (external.location !== undefined) {
      checkMemberName(
        ctx,
        external.location,
        `external data location of tensor ${name}:`,
        "onnx.external-data-traversal",
      );
    }
  };
  const node = (s: number, e: number, depth: number): void => {
    let opType = "";
    let domain = "";
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (w !== 2) return;
      if (f === 4) opType = r.text(vs, ve);
      else if (f === 7) domain = r.text(vs, ve);
      else if (f === 5) attribute(vs, ve, depth);
    });
    if (!STANDARD_DOMAINS.has(domain)) {
      const ops = customDomains.get(domain) ?? [];
      if (ops.length < 5 && !ops.includes(opType)) ops.push(opType);
      customDomains.set(domain, ops);
    }
  };
  const attribute = (s: number, e: number, depth: number): void => {
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (w !== 2) return;
      if (f === 5 || f === 10) tensor(vs, ve);
      else if (f === 6 || f === 11) graph(vs, ve, depth + 1);
    });
  };
  const graph = (s: number, e: number, depth: number): void => {
    if (depth > MAX_NESTING) throw new Malformed(`subgraphs nested deeper than ${MAX_NESTING}`);
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (w !== 2) return;
      if (f === 1) node(vs, ve, depth);
      else if (f === 5) tensor(vs, ve);
      else if (f === 15) {
        r.fieldsOf(vs, ve, (sf, sw, ss, se) => {
          if (sw === 2 && (sf === 1 || sf === 2)) tensor(ss, se);
        });
      }
    });
  };

  try {
    r.fieldsOf(0, src.size, (f, w, vs, ve) => {
      if (f === 7 && w === 2) {
        sawGraph = true;
        graph(vs, ve, 0);
      } else if (f === 25 && w === 2) {
        r.fieldsOf(vs, ve, (ff, fw, fs, fe) => {
          if (fw !== 2) return;
          if (ff === 10) functionDomains.add(r.text(fs, fe));
          else if (ff === 7) node(fs, fe, 0);
        });
      }
    });
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    ctx.add("invalid.onnx", "low", `ONNX model is malformed: ${error.message}`);
    return;
  }
  if (!sawGraph) ctx.add("invalid.onnx", "low", "ONNX model has no graph");
  for (const [domain, ops] of customDomains) {
    if (functionDomains.has(domain)) continue; // model-local functions, defined in the file
    ctx.add(
      "onnx.custom-domain",
      "medium",
      `operators ${ops.join(", ")} come from custom domain "${domain}": running them loads a native custom-op library`,
    );
  }
}
