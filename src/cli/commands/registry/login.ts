// `registry login`: check a token against a registry server, then save it for later --url calls.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { EXIT_OK } from "../../context.js";
import { emit } from "../../output.js";
import { action, MlsecError } from "../../runner.js";

export function registerLogin(registry: Command): void {
  registry
    .command("login")
    .description(
      "save a token for a registry server (read from stdin or --token-env), checked first",
    )
    .requiredOption("--url <url>", "the registry server, e.g. http://127.0.0.1:8470")
    .option("--token-env <var>", "read the token from this environment variable")
    .action(
      action(async (ctx, o: { url: string; tokenEnv?: string }) => {
        const { RegistryClient, credentialsPath, saveToken } = await import(
          "../../../registry/index.js"
        );
        const raw = o.tokenEnv === undefined ? readFileSync(0, "utf8") : process.env[o.tokenEnv];
        const secret = (raw ?? "").trim();
        if (secret === "") {
          throw new MlsecError("E_USAGE", "no token given", {
            hint: "Pipe it in (`mlsec registry login --url URL < token.txt`) or use --token-env VAR.",
          });
        }
        const client = new RegistryClient(o.url, secret);
        const principal = await client.whoami();
        const path = credentialsPath();
        await saveToken(path, client.url, secret);
        emit(
          ctx,
          "registry login",
          { url: client.url, principal, credentials: path },
          (x) => `logged in to ${x.url} as ${x.principal} (token saved in ${x.credentials})`,
        );
        return EXIT_OK;
      }),
    );
}
