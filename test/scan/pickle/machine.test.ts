import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tracePickle } from "../../../src/scan/pickle/machine.js";
import { orderedDictPickle, osSystemPickle, PickleWriter } from "../helpers/pickle-writer.js";

const FIXTURES = new URL("../../fixtures/scan/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

describe("tracePickle on pickles written by CPython (fixtures from make-pickles.py)", () => {
  // Known answers: opcode counts from pickletools.genops over the same files.
  const counts = readFileSync(new URL("opcode-counts.txt", FIXTURES), "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(" "));

  it.each(counts)("%s has %s opcodes and parses completely", (name, count) => {
    const trace = tracePickle(fixture(name));
    expect(trace.status).toEqual({ kind: "complete" });
    expect(trace.opCount).toBe(Number(count));
    expect(trace.end).toBe(fixture(name).length);
  });

  it.each([0, 1, 2, 3, 4, 5])("protocol %i: finds posix.system and the call to it", (p) => {
    const trace = tracePickle(fixture(`malicious-p${p}.pkl`));
    expect(trace.imports.map((i) => `${i.module}.${i.name}`)).toEqual(["posix.system"]);
    expect(trace.calls).toHaveLength(1);
    expect(trace.calls[0].callee).toBe("posix.system");
    expect(trace.calls[0].args).toBe('("echo mlsec-fixture",)');
    expect(trace.protocol).toBe(p >= 2 ? p : 0);
  });

  it("benign protocol 2 pickle imports only reconstruction helpers", () => {
    const names = tracePickle(fixture("benign-p2.pkl")).imports.map((i) => `${i.module}.${i.name}`);
    expect(names).toContain("collections.OrderedDict");
    expect(names.every((n) => /^(collections|__builtin__|_codecs)\./.test(n))).toBe(true);
  });
});

describe("tracePickle on hand-written opcodes", () => {
  it("reads GLOBAL + REDUCE at every protocol", () => {
    for (const p of [0, 1, 2, 3, 4, 5]) {
      const t = tracePickle(osSystemPickle(p));
      expect(t.status.kind).toBe("complete");
      expect(t.calls[0]).toMatchObject({ callee: "os.system", opcode: "REDUCE" });
    }
  });

  it("resolves STACK_GLOBAL with memoized names (MEMOIZE / BINGET)", () => {
    const bytes = new PickleWriter()
      .proto(4)
      .str("os")
      .memoize() // memo 0 = "os"
      .str("system")
      .memoize() // memo 1 = "system"
      .op("0") // POP
      .op("0")
      .binget(0)
      .binget(1)
      .stackGlobal()
      .str("echo hi")
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const t = tracePickle(bytes);
    expect(t.status.kind).toBe("complete");
    expect(t.imports[0]).toMatchObject({ module: "os", name: "system", resolved: true });
    expect(t.calls[0].callee).toBe("os.system");
  });

  it("protocol 0 PUT/GET indices are read like int(): spaces and sign allowed, negatives refused", () => {
    const put = (index: string) =>
      new PickleWriter().global("os", "system").text(`p${index}\n`).text(`g${index}\n`).bytes();
    const ok = tracePickle(put(" +7 "));
    expect(ok.status.kind).toBe("truncated"); // read past both opcodes, then no STOP
    expect(ok.opCount).toBe(3);
    expect(tracePickle(put("-1")).status).toMatchObject({ kind: "malformed" });
    expect(tracePickle(put("7x")).status).toMatchObject({ kind: "malformed" });
  });

  it("marks STACK_GLOBAL with computed names as unresolved", () => {
    // module name = builtins.str.join("", ("o", "s")) computed at load time
    const bytes = new PickleWriter()
      .proto(4)
      .str("builtins")
      .str("getattr")
      .stackGlobal()
      .str("")
      .str("join")
      .tuple2()
      .reduce() // getattr("", "join")
      .mark()
      .str("o")
      .str("s")
      .tuple()
      .tuple1()
      .reduce() // "".join(("o","s"))
      .str("system")
      .stackGlobal()
      .str("echo hi")
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const t = tracePickle(bytes);
    expect(t.status.kind).toBe("complete");
    const last = t.imports[t.imports.length - 1];
    expect(last.resolved).toBe(false);
    expect(last.note).toContain("computed name");
    expect(t.calls.map((c) => c.callee)[0]).toBe("builtins.getattr");
  });

  it("decodes escaped protocol 0 STRING names used by STACK_GLOBAL", () => {
    const bytes = new PickleWriter()
      .stringLiteral("'o\\x73'")
      .stringLiteral("'sys\\164em'")
      .stackGlobal()
      .mark()
      .stringLiteral("'echo hi'")
      .tuple()
      .reduce()
      .stop()
      .bytes();
    const t = tracePickle(bytes);
    expect(t.status.kind).toBe("complete");
    expect(t.imports[0]).toMatchObject({ module: "os", name: "system" });
  });

  it("reports INST and OBJ calls", () => {
    const inst = new PickleWriter()
      .mark()
      .stringLiteral("'echo a'")
      .inst("subprocess", "getoutput")
      .stop()
      .bytes();
    const t1 = tracePickle(inst);
    expect(t1.calls[0]).toMatchObject({ callee: "subprocess.getoutput", opcode: "INST" });
    const obj = new PickleWriter()
      .mark()
      .global("os", "popen")
      .binunicode("echo b")
      .obj()
      .stop()
      .bytes();
    const t2 = tracePickle(obj);
    expect(t2.calls[0]).toMatchObject({ callee: "os.popen", args: '("echo b",)', opcode: "OBJ" });
  });

  it("reports EXT codes as unresolved imports", () => {
    const t = tracePickle(
      new PickleWriter().proto(2).raw(0x82, 7).emptyTuple().reduce().stop().bytes(),
    );
    expect(t.imports[0]).toMatchObject({ resolved: false, note: "copyreg extension code 7" });
  });

  it("reports BUILD on an imported object (attribute injection)", () => {
    const t = tracePickle(
      new PickleWriter().proto(2).global("argparse", "_os").emptyDict().build().stop().bytes(),
    );
    expect(t.mutations[0]).toMatchObject({ target: "argparse._os", opcode: "BUILD" });
  });

  it("reads several pickles in a row from their offsets", () => {
    const a = orderedDictPickle();
    const b = osSystemPickle(2);
    const both = new Uint8Array([...a, ...b]);
    const first = tracePickle(both);
    expect(first.end).toBe(a.length);
    const second = tracePickle(both, first.end);
    expect(second.calls[0].callee).toBe("os.system");
  });

  it("reports truncation, bad opcodes, bad protocols and limits without throwing", () => {
    const whole = osSystemPickle(2);
    const cut = tracePickle(whole.subarray(0, whole.length - 3));
    expect(cut.status.kind).toBe("truncated");
    expect(cut.imports).toHaveLength(1); // seen before the cut
    expect(tracePickle(Uint8Array.from([0xff])).status.kind).toBe("malformed");
    expect(tracePickle(Uint8Array.from([0x80, 9, 0x4e, 0x2e])).status.kind).toBe("malformed");
    const deep = new Uint8Array(10_000).fill(0x28); // MARK x 10000
    const limited = tracePickle(deep, 0, { maxStackDepth: 100 });
    expect(limited.status).toMatchObject({ kind: "limit" });
    const ops = tracePickle(new Uint8Array(1000).fill(0x4e), 0, { maxOps: 10 }); // NONE x 1000
    expect(ops.status).toMatchObject({ kind: "limit" });
    const memo = new PickleWriter().op("N");
    for (let i = 0; i < 50; i++) memo.binput(i);
    expect(tracePickle(memo.stop().bytes(), 0, { maxMemo: 10 }).status.kind).toBe("limit");
    expect(tracePickle(whole, 0, { maxBytes: 5 }).status.kind).toBe("limit");
  });

  it("never throws and stays in bounds on arbitrary bytes (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const t = tracePickle(bytes, 0, { maxOps: 10_000 });
        expect(t.end).toBeLessThanOrEqual(bytes.length);
        expect(t.opCount).toBeLessThanOrEqual(10_000);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on mutated real pickles (fuzz)", () => {
    const base = fixture("malicious-p4.pkl");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        (edits) => {
          const b = Uint8Array.from(base);
          for (const [i, v] of edits) b[i] = v;
          const t = tracePickle(b);
          expect(["complete", "truncated", "malformed", "limit"]).toContain(t.status.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
