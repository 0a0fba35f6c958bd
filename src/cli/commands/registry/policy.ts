// The publish-policy flags shared by `registry init` and `registry policy`, and their one-line summary.
import type { Command } from "commander";
import type { PublishPolicy } from "../../../registry/index.js";
import { collect } from "./common.js";

export interface PolicyFlags {
  requireScan: boolean;
  requireSignature?: boolean;
  requireEncryption?: boolean;
  trustedKey: string[];
}

export function policyOptions(cmd: Command): Command {
  return cmd
    .option("--no-require-scan", "accept versions whose scan verdict is not safe")
    .option("--require-signature", "require a model-signing bundle from a trusted key")
    .option("--trusted-key <pem>", "trusted public key file (repeatable)", collect, [])
    .option("--require-encryption", "store blobs encrypted at rest under the --blob-key-file key");
}

export async function policyFrom(o: PolicyFlags): Promise<PublishPolicy> {
  const { readTrustedKeys } = await import("../../../registry/index.js");
  return {
    requireCleanScan: o.requireScan,
    requireSignature: o.requireSignature === true,
    trustedKeys: readTrustedKeys(o.trustedKey),
    requireEncryption: o.requireEncryption === true,
  };
}

export function describePolicy(p: {
  requireCleanScan: boolean;
  requireSignature: boolean;
  trustedKeys: number;
  requireEncryption?: boolean;
}): string {
  return `clean scan ${p.requireCleanScan ? "required" : "not required"}, signature ${p.requireSignature ? `required (${p.trustedKeys} trusted keys)` : "not required"}, encryption at rest ${p.requireEncryption ? "required" : "not required"}`;
}
