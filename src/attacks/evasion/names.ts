// The evasion attacks by name: a leaf module, so that listing them (the CLI's option help) does
// not load the attacks and the ONNX runtime behind them.

export const ATTACK_NAMES = [
  "fgsm",
  "bim",
  "pgd",
  "apgd-ce",
  "apgd-dlr",
  "autoattack",
  "fab",
  "cw",
  "deepfool",
  "square",
  "hopskipjump",
  "nes",
  "spsa",
] as const;

export type AttackName = (typeof ATTACK_NAMES)[number];
