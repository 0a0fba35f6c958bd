// Measures a model for its card: clean accuracy per class on the evaluation data, PGD L∞
// robust accuracy over a few budgets (Madry et al. 2018), permutation feature importance for
// tabular inputs (Breiman 2001), and a loss-threshold membership-inference audit (Yeom et al.
// 2018) when training members are given; then writes the nine sections of Mitchell et al. 2019.

import { basename } from "node:path";
import type { AttackSpec } from "../attacks/index.js";
import {
  createRng,
  noProgress,
  type ProgressListener,
  sha256OfFile,
  sliceBatch,
} from "../core/index.js";
import {
  type ImportanceFigures,
  type MembershipFigures,
  MODEL_CARD_SCHEMA,
  type ModelCard,
  type RobustnessFigures,
  type Skipped,
} from "./card.js";
import type { CardMetadata } from "./metadata.js";

export interface ModelCardOptions {
  readonly model: string;
  readonly data: string;
  readonly metadata?: CardMetadata;
  readonly labelColumn?: string;
  /** Training data: runs the membership-inference audit with `data` as non-members. */
  readonly members?: string;
  /** Samples attacked for the robustness figures (0 = skip). */
  readonly robustnessSamples: number;
  readonly seed: number;
  readonly generator: string;
  readonly onProgress?: ProgressListener;
}

/** ε, as fractions of the input range, at which PGD robust accuracy is reported. */
export const CARD_EPSILONS = [0.05, 0.1, 0.2, 0.3] as const;
const PGD_STEPS = 10;
/** Permutation importance only for tabular inputs up to this many features. */
const MAX_IMPORTANCE_FEATURES = 100;
const MEMBERSHIP_ROWS = 1000;

export async function buildModelCard(o: ModelCardOptions): Promise<ModelCard> {
  const onProgress = o.onProgress ?? noProgress;
  const { loadLabelledData } = await import("../data/index.js");
  const { loadModel, describeModel, OnnxClassifier, evaluateClassifier } = await import(
    "../onnx/index.js"
  );
  const { unsupportedOps } = await import("../onnx/autodiff/index.js");
  const meta = o.metadata ?? {};
  const proto = await loadModel(o.model);
  const summary = describeModel(proto);
  const data = await loadLabelledData(o.data, o.labelColumn ? { labelColumn: o.labelColumn } : {});
  const classifier = await OnnxClassifier.create(proto);
  try {
    classifier.validateInput(data.x);
    const evaluation = await evaluateClassifier(classifier, data.x, data.y);
    const className = (k: number) => meta.classNames?.[k] ?? data.classNames?.[k] ?? String(k);
    const d = classifier.inputShape.reduce((a, b) => a * b, 1);
    const rng = createRng(o.seed);

    let robustness: RobustnessFigures | Skipped;
    const [lo, hi] = classifier.bounds;
    const differentiable = unsupportedOps(proto).length === 0;
    if (o.robustnessSamples === 0)
      robustness = { skipped: "not requested (--robustness-samples 0)" };
    else if (!Number.isFinite(lo) || !Number.isFinite(hi))
      robustness = { skipped: "the model declares no finite input bounds, so ε has no scale" };
    else if (!differentiable)
      robustness = { skipped: "the graph has operators the autodiff cannot differentiate" };
    else {
      const { evaluateRobustness } = await import("../attacks/index.js");
      const n = Math.min(o.robustnessSamples, data.x.shape[0]);
      const x = sliceBatch(data.x, 0, n);
      const y = data.y.subarray(0, n);
      const points: { eps: number; robustAccuracy: number }[] = [];
      for (const [i, e] of CARD_EPSILONS.entries()) {
        const eps = e * (hi - lo);
        const spec: AttackSpec = {
          attack: "pgd",
          eps,
          epsStep: eps / 4,
          steps: PGD_STEPS,
          norm: "inf",
          randomInit: 0,
          earlyStop: true,
        };
        const r = await evaluateRobustness(classifier, x, y, spec, { batchSize: 100, rng });
        points.push({ eps: e, robustAccuracy: r.summary.robustAccuracy });
        onProgress({ task: "robustness", done: i + 1, total: CARD_EPSILONS.length });
      }
      robustness = { samples: n, attack: `PGD-${PGD_STEPS} L∞ (no random start)`, points };
    }

    let featureImportance: ImportanceFigures | Skipped;
    if (classifier.inputShape.length !== 1 || d > MAX_IMPORTANCE_FEATURES) {
      featureImportance = {
        skipped:
          "not a tabular input of at most 100 features; see `mlsec explain` for per-pixel attributions",
      };
    } else {
      const { permutationImportance } = await import("../explain/index.js");
      const r = await permutationImportance(classifier, data.x, data.y, {
        repeats: 5,
        metric: "accuracy",
        rng: rng.fork(),
      });
      const names = data.featureNames?.length === d ? data.featureNames : undefined;
      featureImportance = {
        metric: "accuracy",
        repeats: r.repeats,
        features: Array.from(r.importances, (importance, j) => ({
          name: names?.[j] ?? `x${j}`,
          importance,
          std: r.std[j],
        })).sort((a, b) => b.importance - a.importance),
      };
    }

    let membershipInference: MembershipFigures | Skipped = {
      skipped: "no training members given (--members TRAIN.npz)",
    };
    if (o.members !== undefined) {
      const { auditMembershipSampled } = await import("../attacks/inference/index.js");
      const members = await loadLabelledData(
        o.members,
        o.labelColumn ? { labelColumn: o.labelColumn } : {},
      );
      classifier.validateInput(members.x);
      const r = await auditMembershipSampled(classifier, members, data, rng.fork(), {
        attack: "loss",
        limit: MEMBERSHIP_ROWS,
      });
      membershipInference = {
        attack: "loss threshold (Yeom et al. 2018)",
        members: r.members,
        nonMembers: r.nonMembers,
        auc: r.auc,
        tprAt1PctFpr: r.tprAtFpr["0.01"] ?? Number.NaN,
        advantage: r.advantage,
      };
    }

    const counts = new Map<number, number>();
    for (const label of data.y) counts.set(label, (counts.get(label) ?? 0) + 1);
    const { bytes, sha256 } = await fileFacts(o.model);
    const card: ModelCard = {
      schema: MODEL_CARD_SCHEMA,
      generatedAt: new Date().toISOString(),
      generator: o.generator,
      details: {
        name: meta.name ?? basename(o.model).replace(/\.onnx$/i, ""),
        version: meta.version ?? null,
        date: meta.date ?? null,
        type: meta.type ?? `classifier with ${classifier.numClasses} classes (ONNX)`,
        description: meta.description ?? null,
        owners: meta.owners ?? [],
        license: meta.license ?? null,
        citation: meta.citation ?? null,
        references: meta.references ?? [],
        contact: meta.contact ?? null,
        file: { path: o.model, bytes, sha256 },
        architecture: {
          producer: summary.producer,
          opset: summary.opset,
          parameters: summary.parameterCount,
          inputs: summary.inputs,
          outputs: summary.outputs,
          operators: summary.opHistogram,
        },
        metadata: summary.metadata,
      },
      intendedUse: {
        primaryUses: meta.intendedUse?.primaryUses ?? [],
        primaryUsers: meta.intendedUse?.primaryUsers ?? [],
        outOfScope: meta.intendedUse?.outOfScope ?? [],
      },
      factors: {
        relevant: meta.factors?.relevant ?? [],
        evaluation: meta.factors?.evaluation ?? ["the label (per-class accuracy below)"],
      },
      metrics: cardMetrics(robustness, featureImportance, membershipInference),
      evaluationData: {
        path: o.data,
        sha256: (await fileFacts(o.data)).sha256,
        samples: evaluation.samples,
        classes: [...counts.entries()]
          .sort(([a], [b]) => a - b)
          .map(([label, count]) => ({ label, name: className(label), count })),
        description: meta.evaluationData ?? null,
      },
      trainingData: { description: meta.trainingData ?? null },
      quantitativeAnalyses: {
        accuracy: evaluation.accuracy,
        meanLoss: evaluation.meanLoss,
        perClass: evaluation.perClass.map((c) => ({ ...c, name: className(c.label) })),
        confusion: evaluation.confusion,
        robustness,
        featureImportance,
        membershipInference,
      },
      ethicalConsiderations: meta.ethicalConsiderations ?? [],
      caveats: [],
    };
    return { ...card, caveats: [...(meta.caveats ?? []), ...measuredCaveats(card)] };
  } finally {
    await classifier.release();
  }
}

async function fileFacts(path: string): Promise<{ bytes: number; sha256: string }> {
  const { stat } = await import("node:fs/promises");
  return { bytes: (await stat(path)).size, sha256: await sha256OfFile(path) };
}

function cardMetrics(
  robustness: RobustnessFigures | Skipped,
  importance: ImportanceFigures | Skipped,
  membership: MembershipFigures | Skipped,
): ModelCard["metrics"] {
  return [
    { name: "accuracy", why: "the share of evaluation samples whose arg-max class is the label" },
    { name: "per-class accuracy", why: "recall of each class: where the model fails unevenly" },
    ...("points" in robustness
      ? [
          {
            name: "robust accuracy (PGD, L∞)",
            why: "accuracy left when an attacker may move each input value by ε (a fraction of the input range)",
          },
        ]
      : []),
    ...("features" in importance
      ? [
          {
            name: "permutation importance",
            why: "the accuracy lost when one feature is shuffled: what the model relies on",
          },
        ]
      : []),
    ...("auc" in membership
      ? [
          {
            name: "membership-inference AUC",
            why: "how well the training members can be told from non-members by their loss (0.5 = not at all)",
          },
        ]
      : []),
  ];
}

/** Caveats the measurements themselves call for. */
function measuredCaveats(card: ModelCard): string[] {
  const out: string[] = [];
  const q = card.quantitativeAnalyses;
  if (card.intendedUse.primaryUses.length === 0) {
    out.push("The intended use is not stated (add intendedUse to the metadata file).");
  }
  if (card.evaluationData.samples < 1000) {
    out.push(
      `The evaluation set has ${card.evaluationData.samples} samples: figures carry wide confidence intervals.`,
    );
  }
  const known = q.perClass.filter((c) => c.accuracy !== null) as {
    name: string;
    accuracy: number;
  }[];
  if (known.length > 1) {
    const worst = known.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
    const best = known.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    if (best.accuracy - worst.accuracy > 0.1) {
      out.push(
        `Accuracy differs across classes: ${(100 * worst.accuracy).toFixed(1)}% on "${worst.name}" against ${(100 * best.accuracy).toFixed(1)}% on "${best.name}".`,
      );
    }
  }
  if ("points" in q.robustness) {
    const at = q.robustness.points.find((p) => p.eps === 0.1);
    if (at && at.robustAccuracy < 0.5 * q.accuracy) {
      out.push(
        `Not robust to small adversarial perturbations: ${(100 * at.robustAccuracy).toFixed(1)}% accuracy under PGD at ε = 0.1 of the input range. Do not deploy where inputs can be manipulated without defences (see mlsec defend / mlsec detect).`,
      );
    }
  }
  if ("auc" in q.membershipInference && q.membershipInference.auc > 0.6) {
    out.push(
      `Training membership leaks (loss-threshold AUC ${q.membershipInference.auc.toFixed(3)}): consider DP training (mlsec privacy train).`,
    );
  }
  return out;
}
