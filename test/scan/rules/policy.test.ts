import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MlsecError } from "../../../src/core/index.js";
import { verdictOf } from "../../../src/scan/findings.js";
import { pickleFindings } from "../../../src/scan/pickle/findings.js";
import { tracePickle } from "../../../src/scan/pickle/machine.js";
import { DEFAULT_POLICY } from "../../../src/scan/rules/default-policy.js";
import { parsePolicy } from "../../../src/scan/rules/load-policy.js";
import { classifyImport } from "../../../src/scan/rules/policy.js";
import { orderedDictPickle, osSystemPickle, PickleWriter } from "../helpers/pickle-writer.js";

const verdict = (bytes: Uint8Array, policy = DEFAULT_POLICY) =>
  verdictOf(pickleFindings(tracePickle(bytes), policy));

/** `module.name(*("echo x",))` via GLOBAL + REDUCE. */
const callPickle = (module: string, name: string) =>
  new PickleWriter()
    .proto(2)
    .global(module, name)
    .binunicode("echo x")
    .tuple1()
    .reduce()
    .stop()
    .bytes();

describe("classifyImport (default policy)", () => {
  it.each([
    ["os", "system"],
    ["posix", "system"],
    ["nt", "system"],
    ["subprocess", "Popen"],
    ["builtins", "eval"],
    ["__builtin__", "exec"],
    ["builtins", "getattr"],
    ["builtins", "__import__"],
    ["builtins", "open"],
    ["runpy", "_run_code"],
    ["importlib", "import_module"],
    ["socket", "create_connection"],
    ["webbrowser", "open"],
    ["shutil", "rmtree"],
    ["pty", "spawn"],
    ["operator", "methodcaller"],
    ["pkgutil", "resolve_name"],
    ["_io", "FileIO"],
    ["uuid", "_get_command_stdout"],
    ["cProfile", "run"],
    ["asyncio.unix_events", "_UnixSubprocessTransport"],
    ["numpy.f2py", "compile"],
    ["torch.utils.collect_env", "run"],
    ["multiprocessing.util", "spawnv_passfds"],
    ["argparse", "_os.system"],
    ["torch", "os.system"],
    ["some.module", "system"],
  ])("denies %s.%s", (module, name) => {
    expect(classifyImport(DEFAULT_POLICY, module, name).kind).toBe("denied");
  });

  it.each([
    ["torch._utils", "_rebuild_tensor_v2"],
    ["collections", "OrderedDict"],
    ["numpy.core.multiarray", "_reconstruct"],
    ["torch", "FloatStorage"],
    ["torch.nn.modules.linear", "Linear"],
    ["__builtin__", "set"],
    ["_codecs", "encode"],
  ])("allows %s.%s", (module, name) => {
    expect(classifyImport(DEFAULT_POLICY, module, name).kind).toBe("allowed");
  });

  it("leaves anything else unknown", () => {
    expect(classifyImport(DEFAULT_POLICY, "sklearn.linear_model", "LogisticRegression")).toEqual({
      kind: "unknown",
      dotted: false,
    });
    expect(classifyImport(DEFAULT_POLICY, "mypkg", "a.b").kind).toBe("unknown");
  });
});

describe("pickle findings and verdicts", () => {
  it("is malicious for os.system at every protocol, with the call in the message", () => {
    for (const p of [0, 1, 2, 3, 4, 5]) {
      const findings = pickleFindings(tracePickle(osSystemPickle(p)), DEFAULT_POLICY);
      expect(verdictOf(findings)).toBe("malicious");
      expect(findings[0]).toMatchObject({
        ruleId: "pickle.import.denied",
        severity: "critical",
        callable: "os.system",
      });
      expect(findings[0].message).toContain('os.system("echo pwned")');
    }
  });

  it("is safe for allow-listed reconstruction and for CPython's benign fixtures", () => {
    expect(verdict(orderedDictPickle())).toBe("safe");
    for (const p of [0, 1, 2, 3, 4, 5]) {
      const bytes = readFileSync(new URL(`../../fixtures/scan/benign-p${p}.pkl`, import.meta.url));
      expect(verdict(new Uint8Array(bytes))).toBe("safe");
    }
  });

  it("is suspicious for a callable on neither list, and malicious for computed names", () => {
    expect(verdict(callPickle("functools", "partial"))).toBe("suspicious");
    expect(verdict(callPickle("mypkg.evil", "run"))).toBe("suspicious");
    expect(
      verdict(new PickleWriter().proto(2).raw(0x82, 1).emptyTuple().reduce().stop().bytes()),
    ).toBe("malicious");
  });

  it("catches builtins.getattr chains and dotted re-exports", () => {
    const chain = new PickleWriter()
      .proto(2)
      .global("builtins", "getattr")
      .global("collections", "OrderedDict")
      .binunicode("__init__")
      .tuple2()
      .reduce()
      .stop()
      .bytes();
    expect(verdict(chain)).toBe("malicious");
    const dotted = new PickleWriter().proto(4).str("argparse").str("_os.system").stackGlobal();
    const bytes = dotted.str("echo x").tuple1().reduce().stop().bytes();
    const findings = pickleFindings(tracePickle(bytes), DEFAULT_POLICY);
    expect(verdictOf(findings)).toBe("malicious");
    expect(findings[0].message).toContain("reaches os.system");
  });

  it("flags BUILD on an imported object, and collects every finding", () => {
    const bytes = new PickleWriter()
      .proto(2)
      .global("mypkg", "Config")
      .emptyDict()
      .build()
      .op("0")
      .global("os", "system")
      .op("0")
      .global("subprocess", "check_output")
      .stop()
      .bytes();
    const ids = pickleFindings(tracePickle(bytes), DEFAULT_POLICY).map((f) => f.ruleId);
    expect(ids).toEqual([
      "pickle.import.unknown",
      "pickle.import.denied",
      "pickle.import.denied",
      "pickle.mutation.global",
    ]);
  });

  it("is invalid, never safe, when a benign pickle is truncated", () => {
    const b = orderedDictPickle();
    expect(verdict(b.subarray(0, b.length - 1))).toBe("invalid");
  });

  it("reports a callable imported many times once", () => {
    const w = new PickleWriter().proto(2).op("]");
    for (let i = 0; i < 100; i++) w.global("mypkg", "Thing").emptyTuple().reduce().op("a");
    const findings = pickleFindings(tracePickle(w.stop().bytes()), DEFAULT_POLICY);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("97 more calls");
  });
});

describe("user policy files", () => {
  it("extends the default policy from YAML", () => {
    const policy = parsePolicy(
      "allow:\n  - sklearn.linear_model.LogisticRegression\ndeny:\n  - mypkg.*\n  - pattern: numpy.save\n    severity: medium\n",
    );
    expect(classifyImport(policy, "sklearn.linear_model", "LogisticRegression").kind).toBe(
      "allowed",
    );
    expect(classifyImport(policy, "mypkg.sub", "x")).toMatchObject({ kind: "denied" });
    expect(classifyImport(policy, "os", "system").kind).toBe("denied");
    expect(verdict(callPickle("mypkg", "helper"), policy)).toBe("malicious");
  });

  it("rejects malformed policies with E_SCAN_POLICY", () => {
    for (const text of ["allow: 3", "deny: [{pattern: 'a b'}]", "nope: []", "{"]) {
      expect(() => parsePolicy(text)).toThrow(MlsecError);
      try {
        parsePolicy(text);
      } catch (e) {
        expect((e as MlsecError).code).toBe("E_SCAN_POLICY");
      }
    }
  });
});
