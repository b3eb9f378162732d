/**
 * The report formats by the name users give to `--format`, without their renderers: the CLI
 * lists them in its help, which must not load every renderer (index.ts maps each to its own).
 */
export const reportFormats = ['table', 'md', 'html', 'json', 'hgrm', 'junit'] as const;
export type ReportFormat = (typeof reportFormats)[number];
