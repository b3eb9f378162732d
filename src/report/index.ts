/**
 * Every report format, by the name users give to `--format`: a plain map from name to a pure
 * renderer (vitest's ReportersMap). A renderer returns one or more files; `part` names a file
 * among several (the .hgrm format writes one per variant).
 */
import type { RunResult } from '../result.js';
import { renderTerminalSummary } from './terminal.js';
import { renderMarkdown } from './markdown.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderHgrm } from './hgrm.js';
import { renderJunit } from './junit.js';
import { slugify } from './write.js';
import type { ReportFormat } from './formats.js';

export { reportFormats, type ReportFormat } from './formats.js';

export interface RenderedReport {
  /** Set when a format writes several files: becomes part of each file's name. */
  part?: string;
  content: string;
}

export interface Reporter {
  extension: string;
  render(result: RunResult): RenderedReport[];
}

const single = (extension: string, render: (result: RunResult) => string): Reporter => ({ extension, render: (result) => [{ content: render(result) }] });

export const reporters = {
  table: single('txt', renderTerminalSummary),
  md: single('md', renderMarkdown),
  html: single('html', renderHtml),
  json: single('json', renderJson),
  hgrm: { extension: 'hgrm', render: (result) => result.variants.map((v) => ({ part: slugify(v.name), content: renderHgrm(v) })) },
  junit: single('junit.xml', renderJunit),
} satisfies Record<ReportFormat, Reporter>;
