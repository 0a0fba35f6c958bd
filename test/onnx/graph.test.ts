import { describe, expect, it } from "vitest";
import { MlsecError } from "../../src/core/index.js";
import { GraphBuilder, opHistogram, topologicalNodes } from "../../src/onnx/index.js";

function errorOf(f: () => unknown): MlsecError {
  try {
    f();
  } catch (e) {
    if (e instanceof MlsecError) return e;
    throw e;
  }
  throw new Error("expected an error");
}

describe("graph checks", () => {
  it("orders nodes topologically even when the file lists them out of order", () => {
    const b = new GraphBuilder();
    b.addInput("x");
    b.add("Relu", ["y"], {}, { outputs: ["z"], name: "second" });
    b.add("Neg", ["x"], {}, { outputs: ["y"], name: "first" });
    b.addOutput("z");
    expect(topologicalNodes(b.build()).map((n) => n.name)).toEqual(["first", "second"]);
  });

  it("reports a cycle", () => {
    const b = new GraphBuilder();
    b.addInput("x");
    b.add("Add", ["x", "b"], {}, { outputs: ["a"], name: "n1" });
    b.add("Relu", ["a"], {}, { outputs: ["b"], name: "n2" });
    b.addOutput("b");
    const e = errorOf(() => topologicalNodes(b.build()));
    expect(e.code).toBe("E_ONNX_INVALID_GRAPH");
    expect(e.message).toMatch(/cycle/);
  });

  it("reports a missing initializer by node and value name", () => {
    const b = new GraphBuilder();
    b.addInput("x");
    b.add("MatMul", ["x", "W"], {}, { outputs: ["y"], name: "fc" });
    b.addOutput("y");
    const e = errorOf(() => topologicalNodes(b.build()));
    expect(e.code).toBe("E_ONNX_INVALID_GRAPH");
    expect(e.message).toContain('"fc"');
    expect(e.message).toContain('"W"');
  });

  it("reports a value produced twice and an output never produced", () => {
    const b = new GraphBuilder();
    b.addInput("x");
    b.add("Relu", ["x"], {}, { outputs: ["y"] });
    b.add("Neg", ["x"], {}, { outputs: ["y"] });
    expect(errorOf(() => topologicalNodes(b.build())).message).toMatch(/produced twice/);
    const c = new GraphBuilder();
    c.addInput("x");
    c.addOutput("nowhere");
    expect(errorOf(() => topologicalNodes(c.build())).message).toMatch(/never produced/);
  });

  it("counts ops", () => {
    const b = new GraphBuilder();
    b.addInput("x");
    b.op("Relu", [b.op("Relu", ["x"])]);
    b.add("Custom", ["x"], {}, { domain: "com.example" });
    expect(opHistogram(b.build())).toEqual({ Relu: 2, "com.example.Custom": 1 });
  });
});
