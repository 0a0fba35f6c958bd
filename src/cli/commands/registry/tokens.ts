// `registry token create|list|revoke`: API tokens for `registry serve` (shown once, stored as HMACs).
import type { Command } from "commander";
import type { TokenInfo } from "../../../registry/index.js";
import { EXIT_OK } from "../../context.js";
import { parseInteger } from "../../options.js";
import { emit, table } from "../../output.js";
import { action } from "../../runner.js";
import { actorOf, type Common, common, withRegistry } from "./common.js";
import { remote } from "./remote.js";

export function registerTokens(registry: Command): void {
  const token = registry.command("token").description("API tokens for `registry serve`");
  common(token.command("create").description("issue a token (printed once, stored hashed)"))
    .option("--for <user>", "issue it for another user (admin)")
    .option("--label <text>", "what the token is for", "")
    .option("--ttl-days <n>", "expire after N days", parseInteger("--ttl-days", 1, 3650))
    .action(
      action(async (ctx, o: Common & { for?: string; label: string; ttlDays?: number }) => {
        const actor = actorOf(o);
        const r = await withRegistry(o, (reg) =>
          reg.createToken(actor, { principal: o.for, label: o.label, ttlDays: o.ttlDays }),
        );
        emit(ctx, "registry token create", r, (x) =>
          [
            x.token,
            `token ${x.info.id} for ${x.info.principal}${x.info.expiresAt ? `, expires ${x.info.expiresAt}` : ""}: shown once, only its HMAC is stored`,
          ].join("\n"),
        );
        return EXIT_OK;
      }),
    );
  common(token.command("list").description("tokens (yours; everyone's as admin), never secrets"))
    .option("--url <url>", "ask a registry server (`registry login` first); lists only your own")
    .action(
      action(async (ctx, o: Common & { url?: string }) => {
        let tokens: TokenInfo[];
        if (o.url === undefined) {
          const actor = actorOf(o);
          tokens = await withRegistry(o, (reg) => reg.listTokens(actor));
        } else {
          tokens = await (await remote(o.url)).listTokens();
        }
        emit(ctx, "registry token list", { tokens }, (x) =>
          x.tokens.length === 0
            ? "no tokens"
            : table([
                ["ID", "USER", "LABEL", "CREATED", "EXPIRES", "REVOKED"],
                ...x.tokens.map((t) => [
                  t.id,
                  t.principal,
                  t.label,
                  t.createdAt,
                  t.expiresAt ?? "-",
                  t.revokedAt ?? "-",
                ]),
              ]),
        );
        return EXIT_OK;
      }),
    );
  common(token.command("revoke <id>").description("revoke a token (yours, or any as admin)"))
    .option("--url <url>", "ask a registry server (`registry login` first); only your own tokens")
    .action(
      action(async (ctx, id: string, o: Common & { url?: string }) => {
        if (o.url === undefined) {
          const actor = actorOf(o);
          await withRegistry(o, (reg) => reg.revokeToken(actor, id));
        } else {
          await (await remote(o.url)).revokeToken(id);
        }
        emit(ctx, "registry token revoke", { id }, (x) => `revoked token ${x.id}`);
        return EXIT_OK;
      }),
    );
}
