/** A Markdown (GFM) table; the one shape every Markdown section uses. */

/** Cells already escaped (escapeMarkdown, markdownCode): scenario text cannot break the table. */
export function markdownTable(head: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
