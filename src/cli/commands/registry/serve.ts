// `registry serve`: the HTTP API (JSON, bearer tokens, OpenAPI at /openapi.json) until SIGINT/SIGTERM.
import type { Command } from "commander";
import { EXIT_OK } from "../../context.js";
import { parseInteger } from "../../options.js";
import { emit } from "../../output.js";
import { action } from "../../runner.js";
import { type Common, common, withRegistry } from "./common.js";

export function registerServe(registry: Command): void {
  common(
    registry
      .command("serve")
      .description("serve the registry over HTTP (JSON, bearer tokens, OpenAPI at /openapi.json)"),
  )
    .option("--port <n>", "port (0 picks a free one)", parseInteger("--port", 0, 65535), 8470)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option(
      "--max-upload-bytes <n>",
      "largest accepted upload",
      parseInteger("--max-upload-bytes", 1),
      1 << 30,
    )
    .option(
      "--max-auth-failures <n>",
      "failed authentications per client address per minute before 429",
      parseInteger("--max-auth-failures", 1),
      10,
    )
    .action(
      action(
        async (
          ctx,
          o: Common & {
            port: number;
            host: string;
            maxUploadBytes: number;
            maxAuthFailures: number;
          },
        ) => {
          const { createRegistryServer } = await import("../../../registry/index.js");
          await withRegistry(o, async (reg) => {
            const server = await createRegistryServer({
              registry: reg,
              maxUploadBytes: o.maxUploadBytes,
              maxAuthFailures: o.maxAuthFailures,
            });
            const url = await server.listen(o.port, o.host);
            emit(
              ctx,
              "registry serve",
              { url, openapi: `${url}/openapi.json` },
              (x) => `registry listening on ${x.url} (OpenAPI ${x.openapi})`,
            );
            await new Promise<void>((done) => {
              process.once("SIGINT", () => done());
              process.once("SIGTERM", () => done());
            });
            await server.close();
          });
          return EXIT_OK;
        },
      ),
    );
}
