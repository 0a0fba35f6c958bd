// `registry pull`: copy a version out, verified against its digest and signature, from the local
// store or a registry server.
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Version } from "../../../registry/index.js";
import { EXIT_OK } from "../../context.js";
import { emit } from "../../output.js";
import { action } from "../../runner.js";
import { actorOf, type Common, collect, common, readBytes, withRegistry } from "./common.js";
import { remote } from "./remote.js";

export function registerPull(registry: Command): void {
  common(
    registry
      .command("pull <ref> <out>")
      .description(
        "copy model@version (or @alias, @latest) to OUT, verified against its digest and signature",
      ),
  )
    .option(
      "--url <url>",
      "pull from a registry server (`registry login` first) instead of --store",
    )
    .option(
      "--trusted-key <pem>",
      "with --url: require a signature by this public key (repeatable); a local pull checks the policy's keys",
      collect,
      [],
    )
    .action(
      action(
        async (
          ctx,
          ref: string,
          out: string,
          o: Common & { url?: string; trustedKey: string[] },
        ) => {
          let v: Version;
          if (o.url === undefined) {
            const actor = actorOf(o);
            v = await withRegistry(o, (reg) => reg.pull(actor, ref, resolve(out)));
          } else {
            const at = ref.lastIndexOf("@");
            const [name, selector] =
              at < 0 ? [ref, "latest"] : [ref.slice(0, at), ref.slice(at + 1)];
            const { loadPublicKey } = await import("../../../artifacts/index.js");
            const keys = o.trustedKey.map((k) => loadPublicKey(readBytes(k, "public key")));
            v = await (await remote(o.url)).pull(name, selector, resolve(out), keys);
          }
          emit(
            ctx,
            "registry pull",
            {
              version: v,
              path: resolve(out),
              expired: v.expiresAt !== null && v.expiresAt <= new Date().toISOString(),
            },
            (x) =>
              [
                `pulled ${x.version.model}@${x.version.version} (${x.version.digest}, verified) to ${x.path}`,
                ...(x.expired
                  ? [`EXPIRED: past its retention period since ${x.version.expiresAt}`]
                  : []),
              ].join("\n"),
          );
          return EXIT_OK;
        },
      ),
    );
}
