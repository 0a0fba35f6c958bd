// Membership audits that need shadow models: the shadow-model attack (Shokri et al. 2017) and
// offline LiRA (Carlini et al. 2022). The attacker's data (`shadowData`) must come from the
// target's distribution and must not hold the audited samples: rows equal to an audited member
// or non-member are dropped from it first, so LiRA's shadow models are truly OUT for every
// audited sample and the shadow attack never trains on the points it is scored on.

import {
  type Classifier,
  MlsecError,
  type ProgressListener,
  type Rng,
  type Tensor,
  takeRows,
} from "../../core/index.js";
import type { ModelProto } from "../../onnx/index.js";
import type { OptimizerConfig } from "../../onnx/trainer/index.js";
import { type AuditResult, type LabelledSamples, summariseAudit } from "./audit.js";
import { liraOutStatistics, liraScores } from "./lira.js";
import { accuracyOf, predictLogits, scaledConfidences } from "./logit-features.js";
import { fitShadowAttack } from "./shadow.js";
import { trainShadowModels } from "./shadow-models.js";

export interface ShadowAuditOptions {
  readonly attack: "shadow" | "lira";
  readonly rng: Rng;
  readonly shadowModels?: number;
  readonly shadowEpochs?: number;
  readonly shadowBatchSize?: number;
  readonly shadowLearningRate?: number;
  readonly shadowOptimizer?: OptimizerConfig;
  readonly fprs?: readonly number[];
  readonly rocPoints?: number;
  readonly batchSize?: number;
  readonly intraOpThreads?: number;
  readonly onProgress?: ProgressListener;
}

export interface ShadowAuditResult extends AuditResult {
  readonly shadowModels: number;
  /** Shadow samples used after dropping rows equal to audited samples. */
  readonly shadowSamples: number;
  readonly shadowSamplesDropped: number;
}

function rowKeys(x: Tensor): string[] {
  const n = x.shape[0];
  const stride = n === 0 ? 0 : x.data.length / n;
  return Array.from({ length: n }, (_, i) =>
    Buffer.from(x.data.buffer, x.data.byteOffset + i * stride * 4, stride * 4).toString("base64"),
  );
}

/** `data` without the rows whose features equal a row of any of `exclude`. */
export function withoutRows(
  data: LabelledSamples,
  exclude: readonly LabelledSamples[],
): LabelledSamples {
  const banned = new Set(exclude.flatMap((s) => rowKeys(s.x)));
  const keep = rowKeys(data.x).flatMap((k, i) => (banned.has(k) ? [] : [i]));
  return { x: takeRows(data.x, keep), y: Int32Array.from(keep, (i) => data.y[i]) };
}

/**
 * Audits `target` (whose architecture `architecture` is) with shadow models trained on
 * `shadowData`: AUC, TPR at low FPR and the ROC curve of the chosen attack.
 */
export async function auditWithShadowModels(
  target: Classifier,
  architecture: ModelProto,
  members: LabelledSamples,
  nonMembers: LabelledSamples,
  shadowData: LabelledSamples,
  options: ShadowAuditOptions,
): Promise<ShadowAuditResult> {
  const shadowSet = withoutRows(shadowData, [members, nonMembers]);
  if (shadowSet.y.length < 4) {
    throw new MlsecError(
      "E_INVALID_ARGUMENT",
      `only ${shadowSet.y.length} shadow samples remain after dropping the audited rows`,
      {
        hint: "Shadow data must be labelled samples from the target's distribution that it was NOT trained on, and not the audited non-members (use --limit to leave some of a shared file out of the audit).",
      },
    );
  }
  const c = target.numClasses;
  const shadows = await trainShadowModels(architecture, shadowSet, {
    count: options.shadowModels,
    epochs: options.shadowEpochs,
    batchSize: options.shadowBatchSize,
    learningRate: options.shadowLearningRate,
    optimizer: options.shadowOptimizer,
    rng: options.rng,
    intraOpThreads: options.intraOpThreads,
    onProgress: options.onProgress,
  });
  try {
    const logitsM = await predictLogits(target, members.x, options.batchSize);
    const logitsN = await predictLogits(target, nonMembers.x, options.batchSize);
    let scoresM: Float64Array;
    let scoresN: Float64Array;
    if (options.attack === "shadow") {
      const attack = await fitShadowAttack(shadows, shadowSet, c);
      scoresM = attack.score(logitsM, members.y);
      scoresN = attack.score(logitsN, nonMembers.y);
    } else {
      const outM = await liraOutStatistics(shadows, members, c);
      const outN = await liraOutStatistics(shadows, nonMembers, c);
      scoresM = liraScores(scaledConfidences(logitsM, members.y, c), outM);
      scoresN = liraScores(scaledConfidences(logitsN, nonMembers.y, c), outN);
    }
    const summary = summariseAudit(
      options.attack,
      { scores: scoresM, accuracy: accuracyOf(logitsM, members.y, c) },
      { scores: scoresN, accuracy: accuracyOf(logitsN, nonMembers.y, c) },
      options,
    );
    return {
      ...summary,
      shadowModels: shadows.length,
      shadowSamples: shadowSet.y.length,
      shadowSamplesDropped: shadowData.y.length - shadowSet.y.length,
    };
  } finally {
    await Promise.all(shadows.map((s) => s.classifier.release()));
  }
}
