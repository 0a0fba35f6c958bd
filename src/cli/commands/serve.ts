// `mlsec serve`: the secure inference gateway (issue 10). `--config gateway.yaml` runs a full
// configuration; `--model FILE` runs a demo with sensible defaults (a fresh API key printed
// once, rate limits, validation, audit log, and query-stream detection when --calibrate is
// given). Runs until SIGINT/SIGTERM, then drains in-flight requests and the audit log.

import { basename, extname } from "node:path";
import type { Command } from "commander";
import type { GatewayConfig } from "../../serve/index.js";
import type { CommandContext } from "../context.js";
import { EXIT_OK } from "../context.js";
import { parseChoice, parseInteger } from "../options.js";
import { emit } from "../output.js";
import { action, MlsecError } from "../runner.js";

const DETECTION_MODES = ["off", "log", "flag", "block"] as const;

interface ServeFlags {
  config?: string;
  model?: string;
  name?: string;
  host: string;
  port: number;
  workers: number;
  calibrate?: string;
  detection: (typeof DETECTION_MODES)[number];
  audit: string;
}

async function demoConfig(flags: ServeFlags & { model: string }) {
  const { generateApiKey, hashApiKey, parseGatewayConfig } = await import("../../serve/index.js");
  const apiKey = generateApiKey();
  const name =
    flags.name ?? basename(flags.model, extname(flags.model)).replace(/[^A-Za-z0-9._-]/g, "-");
  const config = parseGatewayConfig({
    server: { host: flags.host, port: flags.port },
    models: [
      {
        name,
        path: flags.model,
        batching: { workers: flags.workers },
        output: { mode: "probabilities", round: 4 },
      },
    ],
    auth: { apiKeys: [{ id: "demo", sha256: hashApiKey(apiKey) }] },
    detection: {
      mode: flags.calibrate === undefined ? "off" : flags.detection,
      ...(flags.calibrate === undefined
        ? {}
        : { queryStream: { calibrationData: flags.calibrate } }),
    },
    audit: { file: flags.audit },
  });
  return { config, apiKey };
}

function defences(config: GatewayConfig): string[] {
  const auth = [
    config.auth.apiKeys.length > 0 ? `${config.auth.apiKeys.length} API key(s)` : "",
    config.auth.jwt === undefined ? "" : `JWT (${config.auth.jwt.algorithms.join(", ")})`,
    config.auth.anonymous ? "anonymous allowed" : "",
  ].filter((s) => s !== "");
  const rl = config.rateLimit;
  const qs = config.detection.queryStream;
  return [
    `auth: ${auth.join(", ")}`,
    `validation: dtype, shape, bounds, NaN/Infinity, body ≤ ${config.server.maxBodyBytes} bytes`,
    `rate limit (${rl.backend}): ${rl.rowsPerSecond} rows/s per client, burst ${rl.burst}` +
      (rl.budget === undefined
        ? ""
        : `, budget ${rl.budget.rows} rows / ${rl.budget.windowSeconds} s`),
    `detection: ${config.detection.mode}` +
      (qs === undefined || config.detection.mode === "off" ? "" : " (query-stream)"),
    `audit log: ${config.audit.file ?? "(counted only; set audit.file to keep it)"}`,
  ];
}

async function serveCommand(ctx: CommandContext, flags: ServeFlags): Promise<number> {
  if ((flags.config === undefined) === (flags.model === undefined)) {
    throw new MlsecError("E_USAGE", "give either --config FILE or --model FILE");
  }
  const { loadGatewayConfig, startGateway } = await import("../../serve/index.js");
  const { config, apiKey } =
    flags.model !== undefined
      ? await demoConfig({ ...flags, model: flags.model })
      : { config: await loadGatewayConfig(flags.config!), apiKey: undefined };
  const needsDetectors = config.models.some((m) => m.anomalyDetector !== undefined);
  const loadDetector = needsDetectors
    ? (await import("../../defenses/detect/index.js")).loadDetector
    : undefined;
  const gateway = await startGateway(config, { loadDetector });
  const endpoints = gateway.models.flatMap((m) => [
    `POST ${gateway.url}/v1/models/${m.config.name}/predict`,
    `POST ${gateway.url}/v2/models/${m.config.name}/infer`,
    `GET  ${gateway.url}/v2/models/${m.config.name}`,
    ...(m.he === undefined
      ? []
      : [`POST ${gateway.url}/v1/he/${m.config.name}/infer (encrypted, application/octet-stream)`]),
  ]);
  endpoints.push(
    `GET  ${gateway.url}/v2/health/live | /v2/health/ready | /openapi.json | /metrics`,
  );
  const models = gateway.models.map((m) => ({
    name: m.config.name,
    version: m.config.version,
    inputShape: m.schema.inputShape,
    numClasses: m.numClasses,
    bounds: m.schema.bounds.map((b) => (Number.isFinite(b) ? b : null)),
    workers: m.config.batching.workers,
  }));
  emit(
    ctx,
    "serve",
    { url: gateway.url, ...(apiKey === undefined ? {} : { apiKey }), models, endpoints },
    (r) =>
      [
        `mlsec gateway listening on ${r.url}`,
        ...r.models.map(
          (m) =>
            `model ${m.name} v${m.version}: input [${m.inputShape.join(", ")}], ${m.numClasses} classes, bounds [${m.bounds.map((b, i) => b ?? (i === 0 ? "-inf" : "inf")).join(", ")}], ${m.workers} inference worker(s)`,
        ),
        ...(r.apiKey === undefined
          ? []
          : [`API key (shown once, only its SHA-256 is kept): ${r.apiKey}`]),
        "endpoints:",
        ...r.endpoints.map((e) => `  ${e}`),
        "defences:",
        ...defences(config).map((d) => `  ${d}`),
        "Ctrl-C drains in-flight requests and the audit log, then stops.",
      ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  ctx.log("draining…");
  await gateway.close();
  ctx.log(`stopped; ${gateway.audited()} requests audited`);
  return EXIT_OK;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "secure inference gateway: KServe v2 REST with auth, validation, rate limits, attack detection, output hardening and an audit log",
    )
    .option("--config <gateway.yaml>", "gateway config (YAML/JSON; ${ENV_VAR} for secrets)")
    .option("--model <file.onnx>", "demo: serve one model with sensible defaults")
    .option("--name <name>", "demo: model name in the URLs (default: the file name)")
    .option("--host <host>", "demo: address to listen on", "127.0.0.1")
    .option("--port <n>", "demo: port (0 = any free port)", parseInteger("--port", 0, 65535), 8080)
    .option("--workers <n>", "demo: inference worker threads", parseInteger("--workers", 1, 64), 1)
    .option(
      "--calibrate <benign.npz>",
      "demo: calibrate the query-stream detector on benign inputs (array x)",
    )
    .option(
      "--detection <mode>",
      "demo: off, log, flag or block (needs --calibrate)",
      parseChoice("--detection", DETECTION_MODES),
      "block",
    )
    .option("--audit <file.jsonl>", "demo: audit log file", "mlsec-gateway-audit.jsonl")
    .action(action(serveCommand));
}
