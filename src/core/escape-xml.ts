// Escaping text for XML/HTML element content and attribute values (the five predefined
// entities of XML 1.0 §4.6), for the SVG and HTML reports mlsec writes.

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
