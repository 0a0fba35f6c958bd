// The model card's content (Mitchell et al. 2019, "Model Cards for Model Reporting", §4): the
// nine sections, filled with what mlsec measured and what the metadata file states.

import type { ValueSummary } from "../onnx/index.js";

export const MODEL_CARD_SCHEMA = "mlsec.model-card/1";

export interface NamedCount {
  readonly label: number;
  readonly name: string;
  readonly count: number;
}

export interface RobustnessFigures {
  readonly samples: number;
  readonly attack: string;
  /** ε as a fraction of the input range, and the accuracy left under attack. */
  readonly points: readonly { readonly eps: number; readonly robustAccuracy: number }[];
}

export interface ImportanceFigures {
  readonly metric: "accuracy";
  readonly repeats: number;
  readonly features: readonly {
    readonly name: string;
    readonly importance: number;
    readonly std: number;
  }[];
}

export interface MembershipFigures {
  readonly attack: string;
  readonly members: number;
  readonly nonMembers: number;
  readonly auc: number;
  readonly tprAt1PctFpr: number;
  readonly advantage: number;
}

/** A figure that was not measured, and why. */
export interface Skipped {
  readonly skipped: string;
}

export interface ModelCard {
  readonly schema: typeof MODEL_CARD_SCHEMA;
  readonly generatedAt: string;
  readonly generator: string;
  readonly details: {
    readonly name: string;
    readonly version: string | null;
    readonly date: string | null;
    readonly type: string | null;
    readonly description: string | null;
    readonly owners: readonly string[];
    readonly license: string | null;
    readonly citation: string | null;
    readonly references: readonly string[];
    readonly contact: string | null;
    readonly file: { readonly path: string; readonly bytes: number; readonly sha256: string };
    readonly architecture: {
      readonly producer: string;
      readonly opset: number | null;
      readonly parameters: number;
      readonly inputs: readonly ValueSummary[];
      readonly outputs: readonly ValueSummary[];
      readonly operators: Readonly<Record<string, number>>;
    };
    /** The ONNX file's metadata_props (e.g. input bounds, training provenance). */
    readonly metadata: Readonly<Record<string, string>>;
  };
  readonly intendedUse: {
    readonly primaryUses: readonly string[];
    readonly primaryUsers: readonly string[];
    readonly outOfScope: readonly string[];
  };
  readonly factors: {
    readonly relevant: readonly string[];
    readonly evaluation: readonly string[];
  };
  readonly metrics: readonly { readonly name: string; readonly why: string }[];
  readonly evaluationData: {
    readonly path: string;
    readonly sha256: string;
    readonly samples: number;
    readonly classes: readonly NamedCount[];
    readonly description: string | null;
  };
  readonly trainingData: { readonly description: string | null };
  readonly quantitativeAnalyses: {
    readonly accuracy: number;
    readonly meanLoss: number;
    readonly perClass: readonly {
      readonly label: number;
      readonly name: string;
      readonly support: number;
      readonly accuracy: number | null;
    }[];
    readonly confusion: readonly (readonly number[])[];
    readonly robustness: RobustnessFigures | Skipped;
    readonly featureImportance: ImportanceFigures | Skipped;
    readonly membershipInference: MembershipFigures | Skipped;
  };
  readonly ethicalConsiderations: readonly string[];
  readonly caveats: readonly string[];
}
