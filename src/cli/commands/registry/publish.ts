// `registry publish|push`: hash, scan, check (optionally sign here) and store a new version, locally
// or on a registry server.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { PublishResult } from "../../../registry/index.js";
import { EXIT_FINDING, EXIT_OK } from "../../context.js";
import { emit } from "../../output.js";
import { action, MlsecError } from "../../runner.js";
import { actorOf, type Common, collect, common, readBytes, withRegistry } from "./common.js";
import { remote } from "./remote.js";
import { renderVersion } from "./render.js";

/** Signs the model (OpenSSF model signing) into `dir`/model.sig; returns the bundle's path. */
async function signForPush(path: string, keyFile: string, dir: string): Promise<string> {
  const { loadPrivateKey, signModel } = await import("../../../artifacts/index.js");
  const { bundle } = await signModel(path, {
    privateKey: loadPrivateKey(readBytes(keyFile, "signing key")),
  });
  const out = join(dir, "model.sig");
  writeFileSync(out, JSON.stringify(bundle));
  return out;
}

function parseMetric(spec: string, previous: Record<string, number>): Record<string, number> {
  const eq = spec.indexOf("=");
  const value = Number(spec.slice(eq + 1));
  if (eq <= 0 || spec.slice(eq + 1).trim() === "" || !Number.isFinite(value)) {
    throw new MlsecError("E_USAGE", `--metric must be NAME=NUMBER, got "${spec}"`);
  }
  return { ...previous, [spec.slice(0, eq)]: value };
}

export function registerPublish(registry: Command): void {
  common(
    registry
      .command("publish <model> <path>")
      .alias("push")
      .description(
        "hash, scan and check a model (or dataset) file or directory, then store it as a new version",
      ),
  )
    .option("--signature <file>", "model-signing bundle to verify against the trusted keys")
    .option("--sign-key <pem>", "sign the model here with this private key before pushing")
    .option(
      "--dataset <name@version>",
      "lineage: a registered dataset version the model was trained on (repeatable; aliases resolve to the exact version)",
      collect,
      [],
    )
    .option("--metric <name=value>", "a metric (repeatable)", parseMetric, {})
    .option("--data-digest <digest>", "lineage: digest of the training data")
    .option("--code-revision <rev>", "lineage: training code revision (e.g. a git commit)")
    .option("--parent <model@version>", "lineage: the version this one derives from")
    .option("--format <name>", "override the format the scanner detects")
    .option("--description <text>", "model description (when this creates the model)")
    .option("--tag <tag>", "model tag (repeatable; when this creates the model)", collect, [])
    .option("--url <url>", "push to a registry server (`registry login` first) instead of --store")
    .action(
      action(
        async (
          ctx,
          model: string,
          path: string,
          o: Common & {
            url?: string;
            signature?: string;
            signKey?: string;
            metric: Record<string, number>;
            dataDigest?: string;
            codeRevision?: string;
            parent?: string;
            format?: string;
            description?: string;
            tag: string[];
            dataset: string[];
          },
        ) => {
          if (o.signKey !== undefined && o.signature !== undefined) {
            throw new MlsecError("E_USAGE", "give --signature or --sign-key, not both");
          }
          const scratch = mkdtempSync(join(tmpdir(), "mlsec-push-"));
          let r: PublishResult;
          try {
            const signaturePath =
              o.signKey === undefined
                ? o.signature
                : await signForPush(resolve(path), o.signKey, scratch);
            const input = {
              datasets: o.dataset,
              signaturePath,
              metrics: o.metric,
              dataDigest: o.dataDigest,
              codeRevision: o.codeRevision,
              parent: o.parent,
              description: o.description,
              tags: o.tag,
            };
            r =
              o.url === undefined
                ? await withRegistry(o, (reg) =>
                    reg.publish(actorOf(o), { model, path, format: o.format, ...input }),
                  )
                : await (await remote(o.url)).push(model, resolve(path), input);
          } finally {
            rmSync(scratch, { recursive: true, force: true });
          }
          emit(ctx, "registry publish", r, (x) =>
            x.status === "published"
              ? `published ${x.version.model}@${x.version.version}${x.createdModel ? " (new model)" : ""}\n${renderVersion(x.version)}`
              : [`REJECTED ${x.model} (${x.digest}):`, ...x.reasons.map((m) => `  - ${m}`)].join(
                  "\n",
                ),
          );
          return r.status === "published" ? EXIT_OK : EXIT_FINDING;
        },
      ),
    );
}
