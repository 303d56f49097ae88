// Fault injection: a response that is not well-formed XML — the real one cut in the middle of an element.
export function malformedXml(xml: string): string {
  return `${xml.slice(0, Math.max(60, Math.floor(xml.length / 2)))}<sw:`;
}
