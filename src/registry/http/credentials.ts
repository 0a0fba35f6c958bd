// Saved registry logins: one bearer token per server URL in a JSON file only its owner can read
// (mode 0600, written atomically), like ~/.docker/config.json or ~/.netrc.
import { promises as fs } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeAtomically } from "../../artifacts/index.js";
import { MlsecError } from "../../core/index.js";

export const CREDENTIALS_ENV = "MLSEC_REGISTRY_CREDENTIALS";

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[CREDENTIALS_ENV] ?? join(homedir(), ".config", "mlsec", "registry-credentials.json");
}

/** The registry URL in one spelling (scheme, host, port, path without a trailing slash). */
export function normalizeUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw new MlsecError("E_USAGE", `not a URL: ${url}`, { cause });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new MlsecError("E_USAGE", `the registry URL must be http(s), got ${u.protocol}`);
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

async function readAll(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error();
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    throw new MlsecError("E_INVALID_ARGUMENT", `${path} is not a registry credentials file`, {
      hint: "Delete it and run `mlsec registry login` again.",
    });
  }
}

export async function saveToken(path: string, url: string, token: string): Promise<void> {
  const all = { ...(await readAll(path)), [normalizeUrl(url)]: token };
  await fs.mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
  await writeAtomically(path, async (temp) => {
    await fs.writeFile(temp, `${JSON.stringify(all, null, 2)}\n`, { flag: "wx", mode: 0o600 });
  });
}

export async function loadToken(path: string, url: string): Promise<string | undefined> {
  return (await readAll(path))[normalizeUrl(url)];
}
