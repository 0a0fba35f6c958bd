// Two organisations on loopback, each running `mlsec taxii serve` (the built binary). Incidents travel both ways with `mlsec share push|pull`; TLP:RED stays
// home, personal data is redacted, and pulls are incremental.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";
import { SHARED, TOKENS, taxiiConfig } from "./taxii-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-share-e2e-"));
const acmeDb = join(dir, "acme.db");
const globexDb = join(dir, "globex.db");
const servers: ChildProcess[] = [];
let acmeUrl: string;
let globexUrl: string;

const json = (args: string[]) => {
  const r = runCli(["--format", "json", ...args]);
  if (r.status !== 0) throw new Error(`mlsec ${args.join(" ")} -> ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
};

/** Starts `mlsec taxii serve` in its own process (runCli blocks this one) and returns its URL. */
async function serve(name: string): Promise<string> {
  const config = join(dir, `${name}-taxii.json`);
  writeFileSync(config, JSON.stringify(taxiiConfig({ title: `${name} TAXII` })));
  const args = ["--format", "json", "taxii", "serve", "--config", config, "--port", "0"];
  const child = spawn(process.execPath, [CLI, ...args, "--store", join(dir, `${name}-taxii.db`)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.push(child);
  return new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /"url": "([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`taxii serve exited ${code}`)));
  });
}

beforeAll(async () => {
  [acmeUrl, globexUrl] = await Promise.all([serve("acme"), serve("globex")]);
}, 300_000);

afterAll(() => {
  for (const s of servers) s.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("sharing incidents between two organisations over TAXII 2.1", () => {
  // About 12 runs of the binary, each a fresh Node process: a generous limit for loaded machines.
  it("pushes from one, pulls into the other, with TLP filtering, redaction and increments", {
    timeout: 600_000,
  }, () => {
    const green = json([
      ...["incident", "create", "--store", acmeDb, "--tlp", "green", "--reporter", "Acme"],
      ...["--title", "Backdoored image classifier", "--technique", "AML.T0018"],
      ...["--indicator", `file-sha256:${"b".repeat(64)}`],
      ...["--description", "Reported by Jane Doe (jane.doe@acme.example)."],
    ]).incident;
    json([
      "incident",
      "create",
      "--store",
      acmeDb,
      "--tlp",
      "red",
      "--title",
      "Board-level breach",
    ]);

    const push = json([
      ...["share", "push", "--store", acmeDb, "--server", `${acmeUrl}/api1/`],
      ...["--collection", SHARED, "--token", TOKENS.acme],
    ]);
    expect(push).toMatchObject({ incidents: 2, failed: 0 });
    expect(push.droppedAboveTlp).toBeGreaterThan(0);
    expect(push.redactedFields).toBeGreaterThan(0);

    const pull = (store: string, url: string, token: string) =>
      json([
        "share",
        "pull",
        "--store",
        store,
        "--server",
        `${url}/api1/`,
        "--collection",
        SHARED,
        "--token",
        token,
      ]);
    const first = pull(globexDb, acmeUrl, TOKENS.globex);
    expect(first).toMatchObject({ inserted: 1, rejected: [], addedAfter: null });
    const got = json(["incident", "list", "--store", globexDb]).incidents;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      id: green.id,
      tlp: "green",
      reporter: "Acme",
      techniques: ["AML.T0018"],
    });
    expect(got[0].indicators).toEqual([{ kind: "file-sha256", value: "b".repeat(64) }]);
    expect(got[0].description).not.toContain("jane.doe@acme.example");
    expect(got[0].description).toContain("<EMAIL_ADDRESS>");

    // Incremental: nothing new, and the position was remembered.
    const again = pull(globexDb, acmeUrl, TOKENS.globex);
    expect(again).toMatchObject({ objects: 0, inserted: 0 });
    expect(again.addedAfter).toBe(first.nextAddedAfter);

    // Globex adds what it learned and shares it back through its own server.
    json(["incident", "update", green.id, "--store", globexDb, "--technique", "AML.T0043"]);
    json([
      ...["share", "push", green.id, "--store", globexDb, "--server", `${globexUrl}/api1/`],
      ...["--collection", SHARED, "--token", TOKENS.globex],
    ]);
    const back = pull(acmeDb, globexUrl, TOKENS.acme);
    expect(back).toMatchObject({ updated: 1 });
    const acmeView = json(["incident", "show", green.id, "--store", acmeDb]).incident;
    expect(acmeView.techniques.sort()).toEqual(["AML.T0018", "AML.T0043"]);

    // A partner without read access to a collection is refused.
    const denied = runCli([
      ...["share", "pull", "--store", globexDb, "--server", `${acmeUrl}/api1/`],
      ...["--collection", "2e4f6a8c-1b3d-4f5a-8c7e-9d0b1a2c3e4f", "--token", TOKENS.globex],
    ]);
    expect(denied.status).toBe(2);
    expect(denied.stderr).toMatch(/^error\[E_TAXII\].*HTTP 403/);
  });
});
