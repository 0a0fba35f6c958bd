// Archive member names that escape the extraction directory (zip-slip, tar path traversal).
import type { ScanContext } from "../context.js";

/** Reports absolute paths, `..` segments, drive letters and NUL bytes in a member name. */
export function checkMemberName(
  ctx: ScanContext,
  name: string,
  what = "member name",
  ruleId = "archive.path-traversal",
): void {
  const normalized = name.replaceAll("\\", "/");
  const reasons: string[] = [];
  if (normalized.startsWith("/")) reasons.push("is absolute");
  if (/^[A-Za-z]:/.test(normalized)) reasons.push("has a drive letter");
  if (normalized.split("/").includes("..")) reasons.push("climbs out with ..");
  if (name.includes("\0")) reasons.push("contains a NUL byte");
  if (reasons.length > 0) {
    ctx.add(
      ruleId,
      "high",
      `${what} ${JSON.stringify(name)} ${reasons.join(" and ")}: it points outside the target directory`,
    );
  }
}
