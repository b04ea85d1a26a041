export type InjectionCategory =
  | 'ignore-instructions'
  | 'secret-exfiltration'
  | 'role-hijack'
  | 'hidden-text'
  | 'tool-abuse'
  | 'delimiter-escape';

/** One rule that fired: its weight is what it adds to the score (after any discount), the excerpt is the (normalised) text it matched. */
export interface InjectionFinding {
  rule: string;
  category: InjectionCategory;
  weight: number;
  excerpt: string;
}

export interface ScreenResult {
  /** 1 - Π(1 - weight) over the findings, in [0, 1]. */
  score: number;
  flagged: boolean;
  findings: InjectionFinding[];
}
