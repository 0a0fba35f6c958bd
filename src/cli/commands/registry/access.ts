// `registry init|policy|grant|revoke`: bootstrapping, the publish policy and role grants (RBAC).
import type { Command } from "commander";
import { EXIT_OK } from "../../context.js";
import { parseChoice } from "../../options.js";
import { emit } from "../../output.js";
import { action } from "../../runner.js";
import { actorOf, type Common, common, withRegistry } from "./common.js";
import { describePolicy, type PolicyFlags, policyFrom, policyOptions } from "./policy.js";

const ROLE_CHOICES = ["reader", "publisher", "maintainer", "admin"] as const;

export function registerAccess(registry: Command): void {
  policyOptions(
    common(registry.command("init").description("create the registry; the first user is admin")),
  ).action(
    action(async (ctx, o: Common & PolicyFlags) => {
      const actor = actorOf(o);
      const changePolicy =
        o.requireSignature === true ||
        o.requireEncryption === true ||
        o.trustedKey.length > 0 ||
        !o.requireScan;
      const policy = changePolicy ? await policyFrom(o) : undefined;
      const r = await withRegistry(o, async (reg) => ({
        ...(await reg.init(actor, policy)),
        store: reg.store.location,
        policy: await reg.policyFor("*"),
      }));
      emit(
        ctx,
        "registry init",
        { actor, ...r, policy: { ...r.policy, trustedKeys: r.policy.trustedKeys.length } },
        (x) =>
          [
            x.bootstrapped
              ? `registry ready in ${x.store}; ${actor} is admin`
              : `registry already initialised in ${x.store}`,
            `policy: ${describePolicy(x.policy)}`,
          ].join("\n"),
      );
      return EXIT_OK;
    }),
  );

  policyOptions(common(registry.command("policy").description("set the publish policy (admin)")))
    .option("--model <name>", "set it for one model instead of the whole registry")
    .action(
      action(async (ctx, o: Common & PolicyFlags & { model?: string }) => {
        const actor = actorOf(o);
        const policy = await policyFrom(o);
        await withRegistry(o, (reg) => reg.setPolicy(actor, policy, o.model));
        const shown = { scope: o.model ?? "*", ...policy, trustedKeys: policy.trustedKeys.length };
        emit(ctx, "registry policy", shown, (x) => `policy for ${x.scope}: ${describePolicy(x)}`);
        return EXIT_OK;
      }),
    );

  common(registry.command("grant <user> <role>").description("grant a role (admin)"))
    .option("--model <name>", "grant on one model instead of the whole registry")
    .action(
      action(async (ctx, user: string, role: string, o: Common & { model?: string }) => {
        const actor = actorOf(o);
        const r = parseChoice("role", ROLE_CHOICES)(role);
        await withRegistry(o, (reg) => reg.grant(actor, user, r, o.model));
        emit(
          ctx,
          "registry grant",
          { user, role: r, scope: o.model ?? "*" },
          (x) => `granted ${x.role} on ${x.scope} to ${x.user}`,
        );
        return EXIT_OK;
      }),
    );

  common(registry.command("revoke <user>").description("revoke a user's grant (admin)"))
    .option("--model <name>", "the model the grant is on (default: the registry-wide grant)")
    .action(
      action(async (ctx, user: string, o: Common & { model?: string }) => {
        const actor = actorOf(o);
        const removed = await withRegistry(o, (reg) => reg.revoke(actor, user, o.model));
        emit(ctx, "registry revoke", { user, scope: o.model ?? "*", removed }, (x) =>
          x.removed
            ? `revoked ${x.user}'s grant on ${x.scope}`
            : `${x.user} had no grant on ${x.scope}`,
        );
        return EXIT_OK;
      }),
    );
}
