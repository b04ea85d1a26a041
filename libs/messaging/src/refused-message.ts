import { PermanentFailure } from './error-class';

/**
 * Thrown by a handler that refuses a message for what it is (a report from someone the task is not
 * assigned to, usage charged to another tenant's run): another delivery would be refused the same way,
 * so the worker dead-letters it at once, with reason `refused` and this message as the error.
 */
export class RefusedMessage extends PermanentFailure {
  constructor(reason: string) {
    super('refused', reason);
  }
}
