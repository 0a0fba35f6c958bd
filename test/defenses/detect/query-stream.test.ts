import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hopSkipJumpBatch, squareBatch } from "../../../src/attacks/evasion/index.js";
import { type Classifier, createRng, type Tensor } from "../../../src/core/index.js";
import { loadDataset } from "../../../src/data/index.js";
import {
  calibrateQueryStream,
  QueryStreamDetector,
} from "../../../src/defenses/detect/query-stream.js";
import { loadModel, OnnxClassifier } from "../../../src/onnx/index.js";

const SIZE = 784;

/** Wraps a classifier and feeds every queried row to the detector as one client. */
function watched(model: Classifier, detector: QueryStreamDetector, client: string) {
  const log = { queries: 0, firstFlag: -1 };
  const wrapper: Classifier = {
    inputShape: model.inputShape,
    numClasses: model.numClasses,
    bounds: model.bounds,
    async predict(x: Tensor) {
      for (let i = 0; i < x.shape[0]; i++) {
        const { flagged } = detector.observe(client, x.data.subarray(i * SIZE, (i + 1) * SIZE));
        log.queries++;
        if (flagged && log.firstFlag < 0) log.firstFlag = log.queries;
      }
      return model.predict(x);
    },
  };
  return { wrapper, log };
}

describe("QueryStreamDetector", () => {
  let test: { x: Tensor; y: Int32Array };
  let model: OnnxClassifier;
  let threshold: number;

  beforeAll(async () => {
    test = await loadDataset("examples/data/digits-test.npz");
    model = await OnnxClassifier.create(await loadModel("examples/models/digits-cnn.onnx"), {
      intraOpThreads: 1,
    });
    // Calibrate on the first 1000 test images, evaluate benign traffic on the other 1000.
    threshold = calibrateQueryStream(test.x.data.subarray(0, 1000 * SIZE), {
      inputSize: SIZE,
    }).threshold;
  });

  it("does not flag a benign client replaying unseen test images", () => {
    const detector = new QueryStreamDetector({ inputSize: SIZE, threshold });
    let flags = 0;
    for (let i = 1000; i < 2000; i++) {
      if (detector.observe("benign", test.x.data.subarray(i * SIZE, (i + 1) * SIZE)).flagged) {
        flags++;
      }
    }
    // Calibrated at 0.1% false positives; allow the held-out half some slack (< 1%).
    expect(flags).toBeLessThan(10);
  });

  it("flags HopSkipJump within its first 200 queries", async () => {
    const detector = new QueryStreamDetector({ inputSize: SIZE, threshold });
    const { wrapper, log } = watched(model, detector, "attacker");
    await hopSkipJumpBatch(
      wrapper,
      { shape: [1, 1, 28, 28], data: test.x.data.slice(0, SIZE) },
      { labels: test.y.slice(0, 1) },
      { eps: 2, norm: "2", maxQueries: 300, iterations: 5 },
      { rng: createRng(1) },
    );
    expect(log.firstFlag).toBeGreaterThan(0);
    expect(log.firstFlag).toBeLessThanOrEqual(200);
  });

  it("flags the Square attack within its first 200 queries", async () => {
    const detector = new QueryStreamDetector({ inputSize: SIZE, threshold });
    const { wrapper, log } = watched(model, detector, "attacker");
    await squareBatch(
      wrapper,
      { shape: [1, 1, 28, 28], data: test.x.data.slice(SIZE, 2 * SIZE) },
      { labels: test.y.slice(1, 2) },
      { eps: 0.05, norm: "inf", maxQueries: 250 },
      { rng: createRng(2) },
    );
    expect(log.firstFlag).toBeGreaterThan(0);
    expect(log.firstFlag).toBeLessThanOrEqual(200);
  });

  it("keeps clients apart and forgets the least recently seen beyond maxClients", () => {
    const detector = new QueryStreamDetector({ inputSize: 4, k: 1, maxClients: 2, threshold: 0.5 });
    const q = Float32Array.of(1, 2, 3, 4);
    expect(detector.observe("a", q).score).toBe(Infinity);
    expect(detector.observe("b", q).score).toBe(Infinity);
    expect(detector.observe("a", q)).toMatchObject({ score: 0, flagged: true, detections: 1 });
    detector.observe("c", q); // evicts b, the least recently seen
    expect(detector.clientCount).toBe(2);
    expect(detector.observe("b", q).score).toBe(Infinity);
  });

  it("round-trips its state through JSON", () => {
    const rng = createRng(3);
    const detector = new QueryStreamDetector({ inputSize: 8, k: 2, historySize: 5, threshold: 1 });
    const rows = Array.from({ length: 7 }, () => Float32Array.from({ length: 8 }, rng.next));
    for (const r of rows) detector.observe("c", r);
    const copy = QueryStreamDetector.fromJSON(JSON.parse(JSON.stringify(detector.toJSON())));
    const probe = Float32Array.from({ length: 8 }, rng.next);
    expect(copy.observe("c", probe)).toEqual(detector.observe("c", probe));
  });

  it("rejects malformed state with a typed error", () => {
    const good = new QueryStreamDetector({ inputSize: 2, k: 1, threshold: 1 });
    good.observe("c", Float32Array.of(0, 1));
    const state = good.toJSON();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({ version: fc.constant(1), options: fc.anything(), clients: fc.anything() }),
          fc.constant({ ...state, clients: [{ ...state.clients[0], count: 9 }] }),
          fc.constant({ ...state, clients: [{ ...state.clients[0], fingerprints: "AAAA" }] }),
        ),
        (bad) => {
          try {
            QueryStreamDetector.fromJSON(bad);
          } catch (e) {
            expect((e as { code?: string }).code).toMatch(/^E_/);
          }
        },
      ),
    );
  });
});
