import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mlsec-incident-cli-"));
const store = join(dir, "s.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mlsec incident (built binary)", { timeout: 300_000 }, () => {
  it("creates, lists, updates, shows and closes an incident", () => {
    const sha = "a".repeat(64);
    const created = runCli([
      "--format",
      "json",
      "incident",
      "create",
      "--store",
      store,
      "--title",
      "Pickle payload in fraud model",
      "--tlp",
      "green",
      "--technique",
      "AML.T0011",
      "--indicator",
      `file-sha256:${sha}`,
      "--model",
      "fraud@3",
    ]);
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    const doc = JSON.parse(created.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, command: "incident create" });
    const id: string = doc.incident.id;
    expect(doc.incident.models).toEqual([{ name: "fraud", version: "3" }]);

    const list = runCli(["incident", "list", "--store", store]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain("GREEN");

    const upd = runCli(["incident", "update", id, "--store", store, "--technique", "AML.T0018"]);
    expect(upd.status).toBe(0);
    expect(upd.stdout).toContain("AML.T0018 Manipulate AI Model");

    const closed = runCli(["--format", "json", "incident", "close", id, "--store", store]);
    expect(JSON.parse(closed.stdout).incident.status).toBe("closed");

    const shown = runCli(["incident", "show", id, "--store", store]);
    expect(shown.stdout).toContain("status:      closed");
  });

  it("exits 2 with a stable code on bad input", () => {
    const r = runCli(["incident", "create", "--store", store, "--title", "x", "--technique", "T1"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[E_INVALID_ARGUMENT\]/);
    const missing = runCli(["incident", "show", "incident--nope", "--store", store]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error\[E_NOT_FOUND\]/);
    const badTlp = runCli(["incident", "list", "--store", store, "--max-tlp", "purple"]);
    expect(badTlp.status).toBe(2);
    expect(badTlp.stderr).toMatch(/E_USAGE/);
  });
});
