// `registry alias|delete|rescan|expired`: moving aliases, soft deletion, re-scanning stored versions
// and flagging data past its retention period.
import type { Command } from "commander";
import type { RescanChange } from "../../../registry/index.js";
import { EXIT_FINDING, EXIT_OK } from "../../context.js";
import { parseInteger } from "../../options.js";
import { emit, table } from "../../output.js";
import { action } from "../../runner.js";
import { actorOf, type Common, common, withRegistry } from "./common.js";
import { remote } from "./remote.js";

export function registerLifecycle(registry: Command): void {
  common(
    registry
      .command("alias <model> <alias> <version>")
      .description("point an alias (production, staging, ...) at a version"),
  )
    .requiredOption("--reason <text>", "why the alias moves (recorded in the audit log)")
    .action(
      action(
        async (
          ctx,
          model: string,
          alias: string,
          version: string,
          o: Common & { reason: string },
        ) => {
          const actor = actorOf(o);
          const v = parseInteger("version", 1)(version);
          const r = await withRegistry(o, (reg) => reg.setAlias(actor, model, alias, v, o.reason));
          emit(
            ctx,
            "registry alias",
            { model, alias, version: v, ...r, reason: o.reason },
            (x) =>
              `${x.model}@${x.alias} -> v${x.version}${x.previous === null ? "" : ` (was v${x.previous})`}: ${x.reason}`,
          );
          return EXIT_OK;
        },
      ),
    );

  common(
    registry
      .command("delete <model[@version]>")
      .description(
        "soft-delete a version (maintainer) or a whole model (admin); the audit trail stays",
      ),
  )
    .requiredOption("--reason <text>", "why (recorded in the audit log)")
    .action(
      action(async (ctx, ref: string, o: Common & { reason: string }) => {
        const actor = actorOf(o);
        const at = ref.indexOf("@");
        const model = at < 0 ? ref : ref.slice(0, at);
        const version = at < 0 ? undefined : parseInteger("version", 1)(ref.slice(at + 1));
        const r = await withRegistry(o, (reg) => reg.delete(actor, model, version, o.reason));
        emit(
          ctx,
          "registry delete",
          { model, ...r, reason: o.reason },
          (x) =>
            `deleted ${version === undefined ? x.model : `${x.model}@${version}`}: versions [${x.versions.join(", ")}]${x.aliasesRemoved.length ? `, aliases removed: ${x.aliasesRemoved.join(", ")}` : ""}`,
        );
        return EXIT_OK;
      }),
    );

  common(
    registry
      .command("rescan")
      .description(
        "re-scan every stored version with today's rules (maintainer); exit 1 if any is unsafe",
      ),
  )
    .option("--demote", "remove aliases that point at versions that are no longer safe", false)
    .option("--url <url>", "ask a registry server (`registry login` first) instead of --store")
    .action(
      action(async (ctx, o: Common & { demote: boolean; url?: string }) => {
        let changes: RescanChange[];
        if (o.url === undefined) {
          const actor = actorOf(o);
          changes = await withRegistry(o, (reg) => reg.rescan(actor, { demote: o.demote }));
        } else {
          changes = await (await remote(o.url)).rescan(o.demote);
        }
        emit(ctx, "registry rescan", { changes }, (x) =>
          x.changes.length === 0
            ? "rescan: no verdict changed, no alias demoted"
            : x.changes
                .map(
                  (c) =>
                    `${c.model}@${c.version}: ${c.before} -> ${c.after}${c.aliasesRemoved.length ? `, aliases removed: ${c.aliasesRemoved.join(", ")}` : ""}`,
                )
                .join("\n"),
        );
        return changes.some((c) => c.after !== "safe") ? EXIT_FINDING : EXIT_OK;
      }),
    );

  common(
    registry
      .command("expired")
      .description(
        "dataset versions past their retention period and the models trained on them; exit 1 if any",
      ),
  ).action(
    action(async (ctx, o: Common) => {
      const actor = actorOf(o);
      const expired = await withRegistry(o, (reg) => reg.expired(actor));
      emit(ctx, "registry expired", { expired }, (x) =>
        x.expired.length === 0
          ? "no dataset version is past its retention period"
          : table([
              ["DATASET", "VERSION", "EXPIRED", "PURPOSE", "USED BY"],
              ...x.expired.map((e) => [
                e.dataset,
                String(e.version),
                e.expiresAt,
                e.purpose,
                e.usedBy.join(",") || "-",
              ]),
            ]),
      );
      return expired.length > 0 ? EXIT_FINDING : EXIT_OK;
    }),
  );
}
