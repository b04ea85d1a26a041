/**
 * An async value computed on first use and shared after, except that a failure is not kept:
 * the next caller tries again. Set-up that fails while NATS restarts must not fail forever.
 */
export class Lazy<T> {
  private value?: Promise<T>;

  constructor(private readonly factory: () => Promise<T>) {}

  get(): Promise<T> {
    if (!this.value) {
      const attempt = this.factory();
      this.value = attempt;
      attempt.catch(() => {
        if (this.value === attempt) this.value = undefined;
      });
    }
    return this.value;
  }

  /** The value if it was ever asked for (without creating it), for clean-up. */
  peek(): Promise<T> | undefined {
    return this.value;
  }

  reset(): void {
    this.value = undefined;
  }
}
