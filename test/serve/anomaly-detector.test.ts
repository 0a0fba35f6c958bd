// The gateway's anomaly-detector hook with a real detector file: Mahalanobis fitted with the
// library `mlsec detect fit` uses, loaded through loadDetector, against PGD adversarials.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { pgdBatch } from "../../src/attacks/evasion/index.js";
import { createRng, sliceBatch, type Tensor } from "../../src/core/index.js";
import { loadDataset } from "../../src/data/index.js";
import { fitDetector, loadDetector, serializeDetector } from "../../src/defenses/detect/index.js";
import { loadModel, OnnxClassifier } from "../../src/onnx/index.js";
import type { Gateway } from "../../src/serve/index.js";
import { gateway, post, tempDir } from "./helpers.js";

const MLP = "examples/models/digits-mlp.onnx";
const FIT_SAMPLES = 400;
const PROBES = 30;

describe("a fitted Mahalanobis detector in the request path", () => {
  let dir: string;
  let detectorPath: string;
  let clean: Tensor;
  let adversarial: Tensor;
  let gw: Gateway | undefined;

  beforeAll(async () => {
    dir = tempDir();
    detectorPath = join(dir, "maha.json");
    const train = await loadDataset("examples/data/digits-train.npz");
    const model = await loadModel(MLP);
    const file = await fitDetector(
      {
        model,
        modelBytes: readFileSync(MLP),
        modelPath: MLP,
        outPath: detectorPath,
        x: sliceBatch(train.x, 0, FIT_SAMPLES),
        y: train.y.slice(0, FIT_SAMPLES),
      },
      { kind: "mahalanobis", rng: createRng(5), fpr: 0.05 },
    );
    writeFileSync(detectorPath, serializeDetector(file));
    const test = await loadDataset("examples/data/digits-test.npz");
    clean = sliceBatch(test.x, 0, PROBES);
    const classifier = await OnnxClassifier.create(model, { intraOpThreads: 1 });
    try {
      const attack = await pgdBatch(
        classifier,
        clean,
        { labels: test.y.slice(0, PROBES) },
        { eps: 0.3, epsStep: 0.03, steps: 20, norm: "inf", randomInit: 0, earlyStop: false },
        { rng: createRng(6) },
      );
      adversarial = attack.adversarial;
    } finally {
      await classifier.release();
    }
  }, 60_000);
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  const serve = (mode: "flag" | "block", audit?: string) =>
    gateway(
      {
        models: [
          {
            name: "digits",
            path: MLP,
            anomalyDetector: detectorPath,
            batching: { workers: 0, maxDelayMs: 1 },
          },
        ],
        detection: { mode },
        ...(audit === undefined ? {} : { audit: { file: audit, flushIntervalMs: 20 } }),
      },
      { loadDetector },
    );

  const row = (t: Tensor, i: number) => Array.from(t.data.subarray(i * 784, (i + 1) * 784));

  it("flags PGD (eps 0.3) images at a high rate and lets clean test images pass", async () => {
    gw = await serve("flag");
    let cleanFlagged = 0;
    let advFlagged = 0;
    for (let i = 0; i < PROBES; i++) {
      const c = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [row(clean, i)] });
      expect(c.status).toBe(200);
      if (c.headers.get("x-mlsec-flagged") === "mahalanobis") cleanFlagged++;
      const a = await post(`${gw.url}/v1/models/digits/predict`, {
        inputs: [row(adversarial, i)],
      });
      expect(a.status).toBe(200);
      if (a.headers.get("x-mlsec-flagged") === "mahalanobis") advFlagged++;
    }
    expect(cleanFlagged / PROBES).toBeLessThanOrEqual(0.2);
    expect(advFlagged / PROBES).toBeGreaterThanOrEqual(0.8);
  });

  it("blocks an adversarial request in block mode; the audit record carries the score", async () => {
    const file = join(dir, "audit.jsonl");
    gw = await serve("block", file);
    const c = await post(`${gw.url}/v1/models/digits/predict`, { inputs: [row(clean, 0)] });
    expect(c.status).toBe(200);
    let blocked = 0;
    for (let i = 0; i < PROBES && blocked === 0; i++) {
      const a = await post(`${gw.url}/v1/models/digits/predict`, {
        inputs: [row(adversarial, i)],
      });
      if (a.status === 403) {
        expect(a.json.error.code).toBe("blocked");
        blocked++;
      }
    }
    expect(blocked).toBe(1);
    await gw.close();
    gw = undefined;
    const records = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const allowed = records.find((r) => r.decision === "allowed");
    const refused = records.find((r) => r.decision === "blocked");
    expect(allowed.scores.anomaly).toBeTypeOf("number");
    expect(refused.scores.anomaly).toBeGreaterThan(allowed.scores.anomaly);
    expect(refused.reason).toContain("mahalanobis");
  });
});
