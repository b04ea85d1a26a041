/**
 * A stand-in for a service that is away for its first `down` questions (each throws, as a request with no
 * responders does) and then answers `answer`; `asked` counts the questions.
 */
export function answeringAfter<T>(down: number, answer: T): (() => Promise<T>) & { asked: number } {
  const asker = Object.assign(
    async () => {
      asker.asked += 1;
      if (asker.asked <= down) throw new Error('503');
      return answer;
    },
    { asked: 0 },
  );
  return asker;
}
