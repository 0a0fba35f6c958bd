// How mlsec reports a value that fails its schema: one "path.to.field: message" line per issue,
// "(root)" for the value itself, so every parser names what is wrong the same way.

export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function schemaIssueLines(issues: readonly SchemaIssue[], max = Infinity): string[] {
  return issues
    .slice(0, max)
    .map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
}
