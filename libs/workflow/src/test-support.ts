import { DocumentError } from '@agentos/contracts';
import { parseWorkflowDocument, type ParseWorkflowOptions } from './parse';

/** A YAML document from its lines, so tests can state line numbers by counting. */
export const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

/** The problems parseWorkflowDocument reports; fails the test if it accepts the document. */
export function problemsOf(text: string, options?: ParseWorkflowOptions): string[] {
  try {
    parseWorkflowDocument(text, 'w.yaml', options);
  } catch (error) {
    if (error instanceof DocumentError) return error.problems;
    throw error;
  }
  throw new Error('the document was accepted');
}
