// Threat rules: each maps a system description to the components it threatens, with its
// taxonomy references (MITRE ATLAS, OWASP ML/LLM Top 10), a base likelihood and impact (1-5),
// and the mitigations — each tied to the control that covers it and the mlsec command that
// implements or verifies it (null where mlsec has none).

import type { OwaspId } from "./catalog.js";
import type { Component, Control, SystemDescription } from "./schema.js";

export interface MitigationRule {
  readonly title: string;
  readonly control: Control;
  /** ATLAS mitigation ID. */
  readonly atlas: string;
  readonly command: string | null;
}

export interface ThreatRule {
  readonly id: string;
  readonly title: string;
  readonly owasp: readonly OwaspId[];
  readonly atlas: readonly string[];
  readonly likelihood: number;
  readonly impact: number;
  /** The components this threat applies to in the description; none = not applicable. */
  readonly targets: (s: SystemDescription) => readonly Component[];
  readonly mitigations: readonly MitigationRule[];
}

const isLlm = (s: SystemDescription) =>
  s.modelType === "llm" || s.components.some((c) => c.kind === "llm");
const kinds = (s: SystemDescription, ...k: Component["kind"][]) =>
  s.components.filter((c) => k.includes(c.kind));
const exposed = (c: Component) => c.exposure !== "internal";
/** Components that receive a flow from one of `sources` (by kind). */
const fedBy = (s: SystemDescription, target: Component["kind"][], sources: Component["kind"][]) => {
  const byId = new Map(s.components.map((c) => [c.id, c]));
  return s.components.filter(
    (c) =>
      target.includes(c.kind) &&
      s.flows.some((f) => f.to === c.id && sources.includes(byId.get(f.from)?.kind ?? "user")),
  );
};

const M = {
  attackTest: {
    title: "Measure robustness with white- and black-box attacks before release",
    control: "adversarial-testing",
    atlas: "AML.M0008",
    command: "mlsec audit",
  },
  advTrain: {
    title: "Harden the model with adversarial training",
    control: "adversarial-training",
    atlas: "AML.M0003",
    command: "mlsec defend adversarial-training",
  },
  inputCheck: {
    title: "Validate inputs and detect adversarial or out-of-range queries",
    control: "input-validation",
    atlas: "AML.M0015",
    command: "mlsec detect fit / mlsec serve",
  },
  rateLimit: {
    title: "Limit queries per client",
    control: "rate-limiting",
    atlas: "AML.M0004",
    command: "mlsec serve",
  },
  monitor: {
    title: "Log and monitor inference queries for extraction patterns",
    control: "query-monitoring",
    atlas: "AML.M0024",
    command: "mlsec serve",
  },
  minimize: {
    title: "Return labels or rounded scores, not full probability vectors",
    control: "output-minimization",
    atlas: "AML.M0002",
    command: "mlsec serve",
  },
  access: {
    title: "Authenticate and authorise access to models and data",
    control: "access-control",
    atlas: "AML.M0005",
    command: "mlsec serve / mlsec registry",
  },
  encrypt: {
    title: "Encrypt model and data files at rest",
    control: "encryption-at-rest",
    atlas: "AML.M0012",
    command: "mlsec encrypt",
  },
  dp: {
    title: "Train with differential privacy and account for the budget",
    control: "differential-privacy",
    atlas: "AML.M0012",
    command: "mlsec privacy train",
  },
  memAudit: {
    title: "Audit each release for membership leakage (loss, shadow-model and LiRA attacks)",
    control: "membership-audit",
    atlas: "AML.M0008",
    command: "mlsec privacy audit",
  },
  scan: {
    title: "Scan model files for code that runs on load",
    control: "model-scan",
    atlas: "AML.M0016",
    command: "mlsec scan",
  },
  sign: {
    title: "Sign models and verify signatures before loading or deploying",
    control: "artifact-signing",
    atlas: "AML.M0014",
    command: "mlsec sign / mlsec verify",
  },
  pin: {
    title: "Pin model downloads to a revision or hash, over HTTPS",
    control: "pinned-dependencies",
    atlas: "AML.M0023",
    command: "mlsec lint",
  },
  lint: {
    title: "Review ML code for unsafe loading and eval of model output",
    control: "code-lint",
    atlas: "AML.M0011",
    command: "mlsec lint",
  },
  provenance: {
    title: "Record dataset provenance (hash and sign the data)",
    control: "data-provenance",
    atlas: "AML.M0025",
    command: "mlsec hash",
  },
  sanitize: {
    title: "Validate and sanitise training data and labels",
    control: "data-validation",
    atlas: "AML.M0007",
    command: "mlsec poison detect",
  },
  drift: {
    title: "Monitor prediction and feature drift",
    control: "drift-monitoring",
    atlas: "AML.M0024",
    command: null,
  },
  pii: {
    title: "Remove personal data from prompts, context and training data",
    control: "pii-anonymization",
    atlas: "AML.M0012",
    command: "mlsec pii anonymize",
  },
  guardrail: {
    title: "Filter prompts for injection and jailbreak attempts",
    control: "prompt-injection-filter",
    atlas: "AML.M0020",
    command: null,
  },
  outFilter: {
    title: "Validate and filter model output before it is shown or acted on",
    control: "output-filtering",
    atlas: "AML.M0033",
    command: "mlsec pii detect",
  },
  allowlist: {
    title: "Give tools least privilege; no tool calls driven by untrusted data",
    control: "tool-allowlist",
    atlas: "AML.M0030",
    command: null,
  },
  human: {
    title: "Require human approval for actions with side effects",
    control: "human-approval",
    atlas: "AML.M0029",
    command: null,
  },
} as const satisfies Record<string, MitigationRule>;

export const THREAT_RULES: readonly ThreatRule[] = [
  {
    id: "evasion",
    title: "Adversarial inputs make the model misclassify (evasion)",
    owasp: ["ML01"],
    atlas: ["AML.T0043", "AML.T0015"],
    likelihood: 3,
    impact: 4,
    targets: (s) => (s.modelType === "llm" ? [] : kinds(s, "serving-endpoint", "model")),
    mitigations: [M.attackTest, M.advTrain, M.inputCheck],
  },
  {
    id: "data-poisoning",
    title: "Poisoned or mislabelled training data changes what the model learns",
    owasp: ["ML02", "LLM04"],
    atlas: ["AML.T0020", "AML.T0019"],
    likelihood: 2,
    impact: 4,
    targets: (s) =>
      s.components.filter(
        (c) =>
          (c.kind === "data-source" && c.untrustedInput) ||
          (c.kind === "labelling" && c.exposure !== "internal"),
      ),
    mitigations: [M.provenance, M.sanitize],
  },
  {
    id: "model-inversion",
    title: "Queries reconstruct sensitive training inputs (model inversion)",
    owasp: ["ML03"],
    atlas: ["AML.T0024.001"],
    likelihood: 2,
    impact: 4,
    targets: (s) =>
      s.assets.some((a) => a.kind !== "model" && a.sensitivity === "high")
        ? kinds(s, "serving-endpoint").filter(exposed)
        : [],
    mitigations: [M.minimize, M.dp, M.rateLimit],
  },
  {
    id: "membership-inference",
    title: "Queries reveal whether a record was in the training set",
    owasp: ["ML04"],
    atlas: ["AML.T0024.000"],
    likelihood: 3,
    impact: 3,
    targets: (s) =>
      s.assets.some(
        (a) => (a.kind === "training-data" || a.kind === "user-data") && a.sensitivity !== "low",
      )
        ? kinds(s, "serving-endpoint", "llm").filter(exposed)
        : [],
    mitigations: [M.dp, M.memAudit, M.minimize],
  },
  {
    id: "model-theft",
    title: "The model is copied through its API or from storage (extraction)",
    owasp: ["ML05"],
    atlas: ["AML.T0024.002"],
    likelihood: 3,
    impact: 3,
    targets: (s) => [
      ...kinds(s, "serving-endpoint", "llm").filter(exposed),
      ...kinds(s, "model-registry"),
    ],
    mitigations: [M.rateLimit, M.monitor, M.access, M.encrypt],
  },
  {
    id: "supply-chain",
    title: "A third-party model or library runs attacker code or hides a backdoor",
    owasp: ["ML06", "LLM03"],
    atlas: ["AML.T0010.003", "AML.T0011.000"],
    likelihood: 3,
    impact: 5,
    targets: (s) =>
      s.thirdPartyModel ? kinds(s, "model-registry", "training-pipeline", "model", "llm") : [],
    mitigations: [M.scan, M.sign, M.pin, M.lint],
  },
  {
    id: "transfer-learning",
    title: "A backdoor in a pretrained base model survives fine-tuning",
    owasp: ["ML07"],
    atlas: ["AML.T0018"],
    likelihood: 2,
    impact: 4,
    targets: (s) => (s.thirdPartyModel ? kinds(s, "training-pipeline") : []),
    mitigations: [M.attackTest, M.sign, M.sanitize],
  },
  {
    id: "model-skewing",
    title: "Feedback from users skews a model that retrains on live data",
    owasp: ["ML08"],
    atlas: ["AML.T0031", "AML.T0020"],
    likelihood: 2,
    impact: 3,
    targets: (s) =>
      fedBy(
        s,
        ["training-pipeline", "feature-store", "labelling"],
        ["serving-endpoint", "user", "client"],
      ),
    mitigations: [M.drift, M.sanitize, M.access],
  },
  {
    id: "output-integrity",
    title: "Predictions are altered between the model and their consumer",
    owasp: ["ML09"],
    atlas: ["AML.T0031"],
    likelihood: 2,
    impact: 3,
    targets: (s) => {
      const byId = new Map(s.components.map((c) => [c.id, c]));
      const out = s.flows
        .filter(
          (f) =>
            f.crossesTrustBoundary &&
            ["serving-endpoint", "model", "llm"].includes(byId.get(f.from)?.kind ?? ""),
        )
        .map((f) => byId.get(f.from))
        .filter((c): c is Component => c !== undefined);
      return [...new Set(out)];
    },
    mitigations: [M.access, M.monitor],
  },
  {
    id: "model-poisoning",
    title: "Model weights are tampered with in the registry or pipeline",
    owasp: ["ML10", "LLM04"],
    atlas: ["AML.T0018"],
    likelihood: 2,
    impact: 5,
    targets: (s) => kinds(s, "model-registry", "training-pipeline"),
    mitigations: [M.sign, M.access, M.scan],
  },
  {
    id: "prompt-injection",
    title: "Users override the LLM's instructions (direct prompt injection, jailbreak)",
    owasp: ["LLM01", "LLM07"],
    atlas: ["AML.T0051.000", "AML.T0054", "AML.T0056"],
    likelihood: 4,
    impact: 3,
    targets: (s) => (isLlm(s) ? fedBy(s, ["llm"], ["user", "client", "serving-endpoint"]) : []),
    mitigations: [M.guardrail, M.outFilter],
  },
  {
    id: "indirect-prompt-injection",
    title:
      "Retrieved documents or tool results carry injected instructions (indirect injection, RAG poisoning)",
    owasp: ["LLM01", "LLM08"],
    atlas: ["AML.T0051.001", "AML.T0070"],
    likelihood: 3,
    impact: 4,
    targets: (s) =>
      isLlm(s)
        ? s.components.filter(
            (c) => (c.kind === "vector-store" || c.kind === "agent-tool") && c.untrustedInput,
          )
        : [],
    mitigations: [M.provenance, M.allowlist, M.guardrail],
  },
  {
    id: "sensitive-disclosure",
    title: "The LLM reveals personal data, secrets or its system prompt",
    owasp: ["LLM02", "LLM07"],
    atlas: ["AML.T0057", "AML.T0056"],
    likelihood: 3,
    impact: 4,
    targets: (s) =>
      isLlm(s) && s.assets.some((a) => a.kind === "user-data" || a.kind === "credentials")
        ? kinds(s, "llm")
        : [],
    mitigations: [M.pii, M.outFilter, M.access],
  },
  {
    id: "improper-output-handling",
    title: "LLM output is executed or rendered without validation",
    owasp: ["LLM05"],
    atlas: ["AML.T0050", "AML.T0077"],
    likelihood: 3,
    impact: 4,
    targets: (s) => (isLlm(s) ? fedBy(s, ["agent-tool", "client"], ["llm"]) : []),
    mitigations: [M.outFilter, M.lint],
  },
  {
    id: "excessive-agency",
    title: "An agent calls tools with side effects on an attacker's behalf",
    owasp: ["LLM06"],
    atlas: ["AML.T0053"],
    likelihood: 3,
    impact: 5,
    targets: (s) => (isLlm(s) ? kinds(s, "agent-tool").filter((c) => c.sideEffects) : []),
    mitigations: [M.human, M.allowlist],
  },
  {
    id: "unbounded-consumption",
    title: "Floods of expensive queries deny service or run up cost",
    owasp: ["LLM10"],
    atlas: ["AML.T0029", "AML.T0034"],
    likelihood: 3,
    impact: 3,
    targets: (s) => (isLlm(s) ? kinds(s, "llm", "serving-endpoint").filter(exposed) : []),
    mitigations: [M.rateLimit, M.monitor],
  },
];
