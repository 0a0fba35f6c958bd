// `registry create|list|show`: registering models and datasets and reading the catalog.
import type { Command } from "commander";
import type { Model } from "../../../registry/index.js";
import { EXIT_OK } from "../../context.js";
import { parseChoice, parseInteger } from "../../options.js";
import { emit, table } from "../../output.js";
import { action } from "../../runner.js";
import { actorOf, type Common, collect, common, withRegistry } from "./common.js";
import { renderVersion } from "./render.js";

const KIND_CHOICES = ["model", "dataset"] as const;

export function registerCatalog(registry: Command): void {
  common(
    registry
      .command("create <name>")
      .description(
        "register a model, or with --dataset a dataset (purpose and retention required)",
      ),
  )
    .option("--dataset", "register a dataset instead of a model", false)
    .option("--purpose <text>", "datasets: what the data may be used for")
    .option(
      "--retention-days <n>",
      "datasets: days a version may be kept; older versions are flagged as expired",
      parseInteger("--retention-days", 1, 36_500),
    )
    .option("--description <text>", "description")
    .option("--tag <tag>", "tag (repeatable)", collect, [])
    .action(
      action(
        async (
          ctx,
          name: string,
          o: Common & {
            dataset: boolean;
            purpose?: string;
            retentionDays?: number;
            description?: string;
            tag: string[];
          },
        ) => {
          const actor = actorOf(o);
          const kind = o.dataset ? ("dataset" as const) : ("model" as const);
          await withRegistry(o, (reg) =>
            reg.create(actor, {
              name,
              kind,
              purpose: o.purpose,
              retentionDays: o.retentionDays,
              description: o.description,
              tags: o.tag,
            }),
          );
          emit(
            ctx,
            "registry create",
            { name, kind, purpose: o.purpose ?? null, retentionDays: o.retentionDays ?? null },
            (x) =>
              x.kind === "dataset"
                ? `created dataset ${x.name}: purpose "${x.purpose}", retention ${x.retentionDays} days`
                : `created model ${x.name}`,
          );
          return EXIT_OK;
        },
      ),
    );

  common(registry.command("list").description("list the models and datasets you may read"))
    .option("--all", "include deleted models", false)
    .option("--kind <kind>", "only models or only datasets", parseChoice("--kind", KIND_CHOICES))
    .action(
      action(async (ctx, o: Common & { all: boolean; kind?: "model" | "dataset" }) => {
        const actor = actorOf(o);
        const models = await withRegistry(o, (reg) =>
          reg.list(actor, { includeDeleted: o.all, kind: o.kind }),
        );
        emit(ctx, "registry list", { models }, (x) =>
          x.models.length === 0
            ? "no models"
            : table([
                ["NAME", "KIND", "OWNER", "TAGS", "CREATED", "DESCRIPTION"],
                ...x.models.map((m: Model) => [
                  m.deletedAt ? `${m.name} (deleted)` : m.name,
                  m.kind,
                  m.owner,
                  m.tags.join(","),
                  m.createdAt,
                  m.description,
                ]),
              ]),
        );
        return EXIT_OK;
      }),
    );

  common(registry.command("show <model>").description("a model, its versions and aliases"))
    .option("--all", "include deleted versions", false)
    .action(
      action(async (ctx, name: string, o: Common & { all: boolean }) => {
        const actor = actorOf(o);
        const r = await withRegistry(o, (reg) => reg.show(actor, name, { includeDeleted: o.all }));
        emit(ctx, "registry show", r, (x) =>
          [
            `${x.model.name}  ${x.model.kind}  owner ${x.model.owner}${x.model.tags.length ? `  tags ${x.model.tags.join(",")}` : ""}`,
            ...(x.model.description ? [`  ${x.model.description}`] : []),
            ...(x.model.kind === "dataset"
              ? [`  purpose: ${x.model.purpose}; retention ${x.model.retentionDays} days`]
              : []),
            "versions:",
            ...x.versions.map(renderVersion),
            "aliases:",
            ...(x.aliases.length === 0
              ? ["  (none)"]
              : x.aliases.map(
                  (a) =>
                    `  ${a.alias} -> v${a.version}  (${a.reason}; ${a.updatedBy} at ${a.updatedAt})`,
                )),
            ...x.expired.map((e) =>
              e.usedBy === null
                ? `EXPIRED: v${e.version} is past its retention period (ended ${e.expiresAt})`
                : `EXPIRED DATA: v${e.usedBy} was trained on ${e.dataset}@${e.version}, past retention since ${e.expiresAt}`,
            ),
          ].join("\n"),
        );
        return EXIT_OK;
      }),
    );
}
