import { mergeLabels, type ContentLabel, type PayloadOf } from '@agentos/contracts';

/**
 * What one task has read, by origin (information-flow control). It only grows: once untrusted content is in
 * the context, every later call carries its label, and policy decides on the labels, not on what the text says.
 */
export class ContextLabels {
  private labels: ContentLabel[];

  /** The task's input: the run's own input (trusted) plus the labels of the step outputs it was built from. */
  constructor(task: Pick<PayloadOf<'TaskAssigned'>, 'inputLabels'>) {
    this.labels = mergeLabels([{ origin: 'user_input', source: 'input' }], task.inputLabels);
  }

  /** `source` is cut to what a label holds (200 characters): a long or empty name must not make the label invalid. */
  add(label: ContentLabel): void {
    this.labels = mergeLabels(this.labels, [{ origin: label.origin, source: label.source.slice(0, 200) || 'unknown' }]);
  }

  /** A copy: what is sent or recorded must not change when the context grows later. */
  current(): ContentLabel[] {
    return this.labels.map((l) => ({ ...l }));
  }
}
