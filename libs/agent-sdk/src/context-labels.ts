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

  add(label: ContentLabel): void {
    this.labels = mergeLabels(this.labels, [label]);
  }

  /** A copy: what is sent or recorded must not change when the context grows later. */
  current(): ContentLabel[] {
    return this.labels.map((l) => ({ ...l }));
  }
}
