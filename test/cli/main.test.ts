import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "../helpers/cli.js";

describe("mlsec CLI", () => {
  it("exits quietly with 0 when the reader of its output stops early (| head)", async () => {
    const child = spawn(process.execPath, [CLI, "--format", "json", "pii", "detect", "-"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // Enough findings for a report of several megabytes, more than a pipe buffers.
    child.stdin.end("Write to ann.lee@example.com or call +1 415 555 2671.\n".repeat(40_000));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });

  it("prints help and exits 0", () => {
    const r = runCli(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: mlsec");
  });

  it("reports an unknown option as error[E_USAGE] with exit 2", () => {
    const r = runCli(["--no-such-option"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[E_USAGE\]: unknown option/m);
    expect(r.stderr).toContain("hint:");
  });

  it("rejects a bad --seed with exit 2", () => {
    const r = runCli(["--seed", "minus-one"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error[E_USAGE]: --seed");
  });
});
