import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { decodeModel, encodeModel, GraphBuilder, makeModel } from "../../src/onnx/index.js";
import { SHARED_DATA_SKIP_REASON, sharedDataPath } from "../helpers/shared-data.js";
import { tinyLinearModel } from "./helpers.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof MlsecError ? e.code : `not MlsecError: ${e}`;
  }
  return undefined;
}

describe("ONNX codec", () => {
  it("round-trips a model it built", () => {
    const model = tinyLinearModel();
    const again = decodeModel(encodeModel(model));
    expect(again.graph?.node.map((n) => n.opType)).toEqual(["MatMul", "Add", "Identity"]);
    expect(again.graph?.initializer.map((t) => t.name)).toEqual(["W__0", "b__1"]);
    expect(again.opsetImport).toEqual([{ version: 17 }]);
  });

  const torchCnn = sharedDataPath("torch-models/image-cnn.onnx");
  it.skipIf(torchCnn === undefined)(
    `decodes a PyTorch export and re-encodes it losslessly (${SHARED_DATA_SKIP_REASON})`,
    () => {
      const bytes = readFileSync(torchCnn!);
      const model = decodeModel(bytes);
      expect(model.graph?.input[0].name).toBe("input");
      const again = decodeModel(encodeModel(model));
      expect(again.graph?.node.length).toBe(model.graph?.node.length);
      expect(again.graph?.initializer.map((t) => t.rawData?.length)).toEqual(
        model.graph?.initializer.map((t) => t.rawData?.length),
      );
    },
  );

  it("rejects empty, truncated and non-ONNX bytes with E_ONNX_PARSE", () => {
    const bytes = encodeModel(tinyLinearModel());
    expect(codeOf(() => decodeModel(new Uint8Array()))).toBe("E_ONNX_PARSE");
    expect(codeOf(() => decodeModel(bytes.subarray(0, bytes.length - 7)))).toBe("E_ONNX_PARSE");
    expect(codeOf(() => decodeModel(new TextEncoder().encode("PK\u0003\u0004 not a model")))).toBe(
      "E_ONNX_PARSE",
    );
    // A valid protobuf message that is not a model (field 2 = producer_name only).
    expect(codeOf(() => decodeModel(new Uint8Array([0x12, 0x01, 0x41])))).toBe("E_ONNX_PARSE");
  });

  it("bounds file size and subgraph depth", () => {
    const bytes = encodeModel(tinyLinearModel());
    expect(codeOf(() => decodeModel(bytes, { maxBytes: 10, maxNodes: 10, maxGraphDepth: 4 }))).toBe(
      "E_LIMIT_EXCEEDED",
    );
    let inner = new GraphBuilder(undefined, "g0").build();
    for (let depth = 1; depth <= 6; depth++) {
      const b = new GraphBuilder(undefined, `g${depth}`);
      b.add("If", ["cond"], {
        then_branch: { kind: "graph", value: inner },
        else_branch: { kind: "graph", value: inner },
      });
      inner = b.build();
    }
    const nested = encodeModel(makeModel(inner));
    expect(
      codeOf(() => decodeModel(nested, { maxBytes: 1e9, maxNodes: 1e6, maxGraphDepth: 4 })),
    ).toBe("E_LIMIT_EXCEEDED");
    expect(
      codeOf(() => decodeModel(nested, { maxBytes: 1e9, maxNodes: 1e6, maxGraphDepth: 8 })),
    ).toBeUndefined();
  });

  it("never crashes or hangs on corrupted bytes: every failure is an MlsecError", () => {
    const bytes = encodeModel(tinyLinearModel());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(bytes.length),
        (flips, cut) => {
          const mutated = bytes.slice(0, Math.max(1, cut));
          for (const [i, v] of flips) if (i < mutated.length) mutated[i] = v;
          try {
            decodeModel(mutated);
          } catch (e) {
            return e instanceof MlsecError;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });
});
