// The detector file: versioned JSON, validated with zod on load, float arrays as base64 of
// little-endian float32 (exact and compact). The guarded model is named by a path (relative
// to the detector file) and its SHA-256, so a detector never scores for a changed model.

import { z } from "zod";
import { MlsecError, schemaIssueLines } from "../../core/index.js";

export const DETECTOR_FORMAT = "mlsec-detector";
export const DETECTOR_VERSION = 1;
/** Largest detector file read (reference features of a few thousand samples fit easily). */
export const MAX_DETECTOR_BYTES = 64 * 2 ** 20;
export const DETECTOR_KINDS = ["mahalanobis", "lid", "kde", "squeeze"] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

const MAX_DIM = 1 << 20;
const count = z.number().int().min(1).max(MAX_DIM);

/** A float32 array with its shape; decodes to a Float32Array of exactly that many values. */
const float32Array = z
  .strictObject({ shape: z.array(count).min(1).max(4), base64: z.string() })
  .transform((v, ctx) => {
    const values = v.shape.reduce((a, b) => a * b, 1);
    const bytes = Buffer.from(v.base64, "base64");
    if (bytes.length !== values * 4 || values > 16 * 2 ** 20) {
      ctx.addIssue({
        code: "custom",
        message: `array of shape [${v.shape}] needs ${values * 4} bytes, got ${bytes.length}`,
      });
      return z.NEVER;
    }
    const data = new Float32Array(values);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values; i++) data[i] = view.getFloat32(i * 4, true);
    if (data.some((x) => !Number.isFinite(x))) {
      ctx.addIssue({ code: "custom", message: "array holds NaN or Infinity" });
      return z.NEVER;
    }
    return { shape: v.shape, data };
  });

export function encodeFloat32(shape: readonly number[], data: Float32Array) {
  const bytes = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) bytes.writeFloatLE(data[i], i * 4);
  return { shape: [...shape], base64: bytes.toString("base64") };
}

const common = {
  format: z.literal(DETECTOR_FORMAT),
  version: z.literal(DETECTOR_VERSION),
  threshold: z.number().refine(Number.isFinite, "threshold must be finite"),
  calibration: z.strictObject({
    fpr: z.number().min(0).max(1),
    samples: z.number().int().min(1),
  }),
  model: z.strictObject({
    path: z.string().min(1).max(4096),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
};

/**
 * One layer of a feature ensemble: its statistics, and the mean and standard deviation of its
 * scores on held-out clean data (the ensemble score is the largest standardized layer score).
 */
const layer = <T extends z.ZodRawShape>(params: T) =>
  z.strictObject({
    name: z.string().min(1).max(1024),
    scoreMean: z.number().refine(Number.isFinite),
    scoreStd: z.number().positive().refine(Number.isFinite),
    ...params,
  });
const layers = <T extends z.ZodRawShape>(params: T) => z.array(layer(params)).min(1).max(64);

const detectorSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    ...common,
    kind: z.literal("mahalanobis"),
    layers: layers({
      shrinkage: z.number().min(0).max(1),
      means: float32Array,
      precision: float32Array,
    }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal("lid"),
    layers: layers({ k: z.number().int().min(2).max(10000), references: float32Array }),
  }),
  z.strictObject({
    ...common,
    kind: z.literal("kde"),
    layers: layers({
      bandwidth: z.number().positive().refine(Number.isFinite),
      counts: z.array(z.number().int().min(1)).min(1).max(100000),
      features: float32Array,
    }),
    /** MC-dropout uncertainty, when the model has Dropout (standardized like a layer). */
    uncertainty: z
      .strictObject({
        passes: z.number().int().min(2).max(1000),
        scoreMean: z.number().refine(Number.isFinite),
        scoreStd: z.number().positive().refine(Number.isFinite),
      })
      .optional(),
  }),
  z.strictObject({
    ...common,
    kind: z.literal("squeeze"),
    squeezers: z.array(z.string().max(100)).min(1).max(16),
  }),
]);

export type DetectorFile = z.output<typeof detectorSchema>;
export type DetectorFileInput = z.input<typeof detectorSchema>;

/** Parses and validates detector JSON text; every problem is E_DETECTOR_FORMAT. */
export function parseDetectorFile(text: string, source: string): DetectorFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new MlsecError("E_DETECTOR_FORMAT", `${source} is not JSON: ${(error as Error).message}`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version !== DETECTOR_VERSION) {
    throw new MlsecError(
      "E_DETECTOR_FORMAT",
      `${source} is detector format version ${version}; this mlsec reads version ${DETECTOR_VERSION}`,
    );
  }
  const result = detectorSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new MlsecError(
      "E_DETECTOR_FORMAT",
      `${source} is not a valid detector: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      {
        details: {
          issues: schemaIssueLines(result.error.issues, 10),
        },
      },
    );
  }
  checkShapes(result.data, source);
  return result.data;
}

function checkShapes(file: DetectorFile, source: string): void {
  const bad = (message: string) =>
    new MlsecError("E_DETECTOR_FORMAT", `${source} is not a valid detector: ${message}`);
  if (file.kind === "mahalanobis") {
    for (const l of file.layers) {
      const m = l.means.shape;
      const p = l.precision.shape;
      if (m.length !== 2 || p.length !== 2 || p[0] !== m[1] || p[1] !== m[1]) {
        throw bad(`layer ${l.name}: means [${m}] and precision [${p}] disagree`);
      }
    }
  } else if (file.kind === "lid") {
    for (const l of file.layers) {
      const s = l.references.shape;
      if (s.length !== 2 || s[0] < l.k)
        throw bad(`layer ${l.name}: ${s[0]} references for k = ${l.k}`);
    }
  } else if (file.kind === "kde") {
    for (const l of file.layers) {
      const s = l.features.shape;
      const total = l.counts.reduce((a, b) => a + b, 0);
      if (s.length !== 2 || s[0] !== total) {
        throw bad(`layer ${l.name}: features [${s}] but class counts sum to ${total}`);
      }
    }
  }
}
