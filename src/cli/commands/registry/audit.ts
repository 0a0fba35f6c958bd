// `registry audit checkpoint|verify|log`: the hash-chained audit log, its signed checkpoints and
// verification naming the first broken link.
import { resolve } from "node:path";
import type { Command } from "commander";
import type { AuditVerification } from "../../../registry/index.js";
import { EXIT_FINDING, EXIT_OK } from "../../context.js";
import { parseInteger } from "../../options.js";
import { emit, table } from "../../output.js";
import { action, MlsecError } from "../../runner.js";
import { actorOf, type Common, collect, common, readBytes, withRegistry } from "./common.js";

function renderVerification(v: AuditVerification): string {
  return v.valid
    ? `audit log verifies: ${v.entries} entries, head ${v.head}`
    : `audit log BROKEN at entry ${v.firstBreak.position} (seq ${v.firstBreak.seq}): ${v.firstBreak.reason}`;
}

export function registerAudit(registry: Command): void {
  const audit = registry.command("audit").description("the hash-chained audit log");
  common(
    audit
      .command("checkpoint")
      .description("sign the current head of the audit chain (keep the file outside the store)"),
  )
    .requiredOption("--key <pem>", "private signing key (from `mlsec keygen`)")
    .requiredOption("--out <file>", "where to write the signed checkpoint")
    .action(
      action(async (ctx, o: Common & { key: string; out: string }) => {
        const actor = actorOf(o);
        const { loadPrivateKey } = await import("../../../artifacts/index.js");
        const { writeFileAtomic } = await import("../../../core/index.js");
        const key = loadPrivateKey(readBytes(o.key, "signing key"));
        const cp = await withRegistry(o, (reg) => reg.checkpoint(actor, key));
        await writeFileAtomic(resolve(o.out), Buffer.from(`${JSON.stringify(cp, null, 2)}\n`));
        emit(
          ctx,
          "registry audit checkpoint",
          { ...cp, path: resolve(o.out) },
          (x) => `signed checkpoint: ${x.entries} entries, head ${x.head} -> ${x.path}`,
        );
        return EXIT_OK;
      }),
    );
  common(audit.command("verify").description("recompute the chain; exit 1 if it is broken"))
    .option("--checkpoint <file>", "a signed checkpoint from `audit checkpoint`")
    .option(
      "--trusted-key <pem>",
      "public key a --checkpoint must be signed by (repeatable)",
      collect,
      [],
    )
    .option("--expect-head <hash>", "checkpoint: the head hash recorded earlier")
    .option(
      "--expect-entries <n>",
      "checkpoint: the entry count recorded earlier",
      parseInteger("--expect-entries", 1),
    )
    .action(
      action(
        async (
          ctx,
          o: Common & {
            expectHead?: string;
            expectEntries?: number;
            checkpoint?: string;
            trustedKey: string[];
          },
        ) => {
          const actor = actorOf(o);
          if ((o.expectHead === undefined) !== (o.expectEntries === undefined)) {
            throw new MlsecError("E_USAGE", "--expect-head and --expect-entries go together");
          }
          if (o.checkpoint !== undefined && o.expectHead !== undefined) {
            throw new MlsecError(
              "E_USAGE",
              "give either --checkpoint or --expect-head/--expect-entries",
            );
          }
          let expect =
            o.expectHead === undefined
              ? undefined
              : { head: o.expectHead, entries: o.expectEntries as number };
          if (o.checkpoint !== undefined) {
            if (o.trustedKey.length === 0) {
              throw new MlsecError("E_USAGE", "--checkpoint needs --trusted-key PUB.pem");
            }
            const { loadPublicKey } = await import("../../../artifacts/index.js");
            const { verifyCheckpoint } = await import("../../../registry/index.js");
            const keys = o.trustedKey.map((k) => loadPublicKey(readBytes(k, "public key")));
            expect = verifyCheckpoint(readBytes(o.checkpoint, "checkpoint").toString("utf8"), keys);
          }
          const r = await withRegistry(o, (reg) => reg.verifyAuditLog(actor, expect));
          const checkpoint = expect ? { entries: expect.entries, head: expect.head } : null;
          emit(ctx, "registry audit verify", { ...r, checkpoint }, (x) =>
            x.valid && x.checkpoint
              ? `${renderVerification(x)}\ncontains the checkpoint: ${x.checkpoint.entries} entries, head ${x.checkpoint.head}`
              : renderVerification(x),
          );
          return r.valid ? EXIT_OK : EXIT_FINDING;
        },
      ),
    );
  common(audit.command("log").description("print the audit entries (admin)")).action(
    action(async (ctx, o: Common) => {
      const actor = actorOf(o);
      const entries = await withRegistry(o, (reg) => reg.auditEntries(actor));
      emit(ctx, "registry audit log", { entries }, (x) =>
        table([
          ["SEQ", "AT", "ACTOR", "ACTION", "TARGET", "OUTCOME"],
          ...x.entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.target, e.outcome]),
        ]),
      );
      return EXIT_OK;
    }),
  );
}
