// Taxonomies the rules cite: OWASP Machine Learning Security Top 10 (2023, owasp.org/www-project-
// machine-learning-security-top-10) and OWASP Top 10 for LLM Applications (2025, genai.owasp.org).
// ATLAS technique names come from the generated MITRE ATLAS table in src/incidents; the tactic of
// each technique used here is taken from the same ATLAS.yaml (a sub-technique uses its parent's).

export const OWASP_ML_TOP10 = {
  ML01: "Input Manipulation Attack",
  ML02: "Data Poisoning Attack",
  ML03: "Model Inversion Attack",
  ML04: "Membership Inference Attack",
  ML05: "Model Theft",
  ML06: "AI Supply Chain Attacks",
  ML07: "Transfer Learning Attack",
  ML08: "Model Skewing",
  ML09: "Output Integrity Attack",
  ML10: "Model Poisoning",
} as const;

export const OWASP_LLM_TOP10 = {
  LLM01: "Prompt Injection",
  LLM02: "Sensitive Information Disclosure",
  LLM03: "Supply Chain",
  LLM04: "Data and Model Poisoning",
  LLM05: "Improper Output Handling",
  LLM06: "Excessive Agency",
  LLM07: "System Prompt Leakage",
  LLM08: "Vector and Embedding Weaknesses",
  LLM09: "Misinformation",
  LLM10: "Unbounded Consumption",
} as const;

export type OwaspId = keyof typeof OWASP_ML_TOP10 | keyof typeof OWASP_LLM_TOP10;

export function owaspName(id: OwaspId): string {
  return id.startsWith("LLM")
    ? OWASP_LLM_TOP10[id as keyof typeof OWASP_LLM_TOP10]
    : OWASP_ML_TOP10[id as keyof typeof OWASP_ML_TOP10];
}

/** ATLAS tactics of the techniques the rules use (from ATLAS.yaml 5.6.0; checked by a test). */
export const TECHNIQUE_TACTICS: Readonly<Record<string, readonly string[]>> = {
  "AML.T0010.003": ["AML.TA0004"],
  "AML.T0011.000": ["AML.TA0005"],
  "AML.T0015": ["AML.TA0004", "AML.TA0007", "AML.TA0011"],
  "AML.T0018": ["AML.TA0006", "AML.TA0001"],
  "AML.T0019": ["AML.TA0003"],
  "AML.T0020": ["AML.TA0003", "AML.TA0006"],
  "AML.T0024.000": ["AML.TA0010"],
  "AML.T0024.001": ["AML.TA0010"],
  "AML.T0024.002": ["AML.TA0010"],
  "AML.T0029": ["AML.TA0011"],
  "AML.T0031": ["AML.TA0011"],
  "AML.T0034": ["AML.TA0011"],
  "AML.T0043": ["AML.TA0001"],
  "AML.T0050": ["AML.TA0005"],
  "AML.T0051.000": ["AML.TA0005"],
  "AML.T0051.001": ["AML.TA0005"],
  "AML.T0053": ["AML.TA0005", "AML.TA0012"],
  "AML.T0054": ["AML.TA0012", "AML.TA0007"],
  "AML.T0056": ["AML.TA0010"],
  "AML.T0057": ["AML.TA0010"],
  "AML.T0070": ["AML.TA0006"],
  "AML.T0077": ["AML.TA0010"],
};
