// TensorFlow SavedModel `saved_model.pb` (tensorflow/core/protobuf/saved_model.proto,
// meta_graph.proto, framework/graph.proto, function.proto, node_def.proto): flags graph
// operations that touch files or run Python when the graph executes.

import type { ScanContext } from "../context.js";
import type { Severity } from "../findings.js";
import type { ByteSource } from "../source.js";
import { Malformed, WireReader } from "./protobuf-wire.js";

const DANGEROUS_OPS: Readonly<Record<string, readonly [Severity, string]>> = {
  PyFunc: ["critical", "runs a Python function"],
  PyFuncStateless: ["critical", "runs a Python function"],
  EagerPyFunc: ["critical", "runs a Python function"],
  ReadFile: ["high", "reads any file the process can read"],
  WriteFile: ["high", "writes files"],
  MatchingFiles: ["medium", "lists files matching a pattern"],
  ImmutableConst: ["medium", "maps a file from disk into a tensor"],
};

/** Scans every NodeDef in every MetaGraphDef's graph and function library. */
export function scanSavedModel(src: ByteSource, ctx: ScanContext): void {
  const r = new WireReader(src);
  const seen = new Map<string, number>();
  const nodeDef = (s: number, e: number): void => {
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (f === 2 && w === 2) {
        const op = r.text(vs, ve);
        if (DANGEROUS_OPS[op] !== undefined) seen.set(op, (seen.get(op) ?? 0) + 1);
      }
    });
  };
  const library = (s: number, e: number): void => {
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (f !== 1 || w !== 2) return; // FunctionDef
      r.fieldsOf(vs, ve, (ff, fw, fs, fe) => {
        if (ff === 3 && fw === 2) nodeDef(fs, fe);
      });
    });
  };
  const graphDef = (s: number, e: number): void => {
    r.fieldsOf(s, e, (f, w, vs, ve) => {
      if (w !== 2) return;
      if (f === 1) nodeDef(vs, ve);
      else if (f === 2) library(vs, ve);
    });
  };
  try {
    r.fieldsOf(0, src.size, (f, w, vs, ve) => {
      if (f !== 2 || w !== 2) return; // MetaGraphDef
      r.fieldsOf(vs, ve, (mf, mw, ms, me) => {
        if (mf === 2 && mw === 2) graphDef(ms, me);
      });
    });
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    ctx.add("invalid.savedmodel", "low", `saved_model.pb is malformed: ${error.message}`);
    return;
  }
  for (const [op, count] of seen) {
    const [severity, what] = DANGEROUS_OPS[op];
    ctx.add(
      "savedmodel.dangerous-op",
      severity,
      `graph uses ${op} (${count} node${count === 1 ? "" : "s"}), which ${what} when the model runs`,
    );
  }
}
