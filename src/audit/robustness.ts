// The audit's robustness sweep: FGSM (Goodfellow et al. 2015, arXiv:1412.6572) and PGD (Madry et
// al. 2018, arXiv:1706.06083) in L∞ where gradients exist, and the black-box Square attack
// (Andriushchenko et al. 2020, arXiv:1912.00049), which needs only predictions.

import type { AttackSpec } from "../attacks/index.js";
import {
  type Classifier,
  createRng,
  type ProgressListener,
  sliceBatch,
  type Tensor,
} from "../core/index.js";
import { type AuditProfile, JUDGED_EPS } from "./profiles.js";
import type { AuditFinding, AuditSections, RobustnessPoint } from "./types.js";

export async function robustnessSection(
  classifier: Classifier & { readonly bounds: readonly [number, number] },
  data: { x: Tensor; y: Int32Array },
  profile: AuditProfile,
  seed: number,
  sections: AuditSections,
  findings: AuditFinding[],
  onProgress: ProgressListener,
): Promise<void> {
  const n = Math.min(profile.samples, data.x.shape[0]);
  const [lo, hi] = classifier.bounds;
  const base = { samples: n, norm: "inf" as const, bounds: [lo, hi] as const };
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    sections.robustness = {
      ...base,
      points: [],
      skipped:
        "the model declares no finite input bounds (mlsec.bounds metadata), so ε has no scale",
    };
    return;
  }
  const differentiable = sections.model?.differentiable === true;
  const { evaluateRobustness } = await import("../attacks/index.js");
  const rng = createRng(seed);
  const runs: { attack: RobustnessPoint["attack"]; eps: number; spec: AttackSpec; rows: number }[] =
    [];
  if (differentiable) {
    for (const e of profile.eps) {
      const eps = e * (hi - lo);
      runs.push({ attack: "fgsm", eps: e, rows: n, spec: { attack: "fgsm", eps, norm: "inf" } });
    }
    for (const e of profile.eps) {
      const eps = e * (hi - lo);
      runs.push({
        attack: "pgd",
        eps: e,
        rows: n,
        spec: {
          attack: "pgd",
          eps,
          epsStep: eps / 4,
          steps: profile.pgdSteps,
          norm: "inf",
          randomInit: profile.pgdRandomInit,
          earlyStop: true,
        },
      });
    }
  }
  const squareRows = Math.min(profile.squareSamples, data.x.shape[0]);
  for (const e of profile.squareEps) {
    runs.push({
      attack: "square",
      eps: e,
      rows: squareRows,
      spec: {
        attack: "square",
        eps: e * (hi - lo),
        norm: "inf",
        maxQueries: profile.squareQueries,
      },
    });
  }
  const points: RobustnessPoint[] = [];
  for (const [i, run] of runs.entries()) {
    const x = sliceBatch(data.x, 0, run.rows);
    const y = data.y.subarray(0, run.rows);
    const { summary } = await evaluateRobustness(classifier, x, y, run.spec, {
      batchSize: 100,
      rng,
    });
    points.push({
      attack: run.attack,
      eps: run.eps,
      robustAccuracy: summary.robustAccuracy,
      successRate: summary.successRate,
      seconds: summary.seconds,
      ...(run.rows !== n ? { samples: run.rows } : {}),
    });
    onProgress({ task: "robustness", done: i + 1, total: runs.length });
  }
  sections.robustness = {
    ...base,
    points,
    ...(differentiable ? {} : { skipped: "FGSM/PGD skipped: the graph is not differentiable" }),
  };
  const clean = sections.accuracy?.accuracy ?? 1;
  // The strongest attack that ran at the judged budget decides the finding.
  const judged = points
    .filter((p) => p.eps === JUDGED_EPS)
    .sort((a, b) => a.robustAccuracy - b.robustAccuracy)[0];
  if (judged !== undefined && judged.robustAccuracy < 0.8 * clean) {
    findings.push({
      id: `robustness.${judged.attack}`,
      section: "robustness",
      severity: judged.robustAccuracy < 0.5 * clean ? "high" : "medium",
      title: `${judged.attack.toUpperCase()} at ε=${JUDGED_EPS} (L∞) drops accuracy to ${(100 * judged.robustAccuracy).toFixed(1)}%`,
      detail: `clean ${(100 * clean).toFixed(1)}%; attack success ${(100 * judged.successRate).toFixed(1)}% on ${judged.samples ?? n} samples`,
      command: "mlsec attack",
    });
  }
}
