import { createMessage, subjectOf } from '@agentos/contracts';
import { matchesLetter, readDeadLetters, redriveOf, type DeadLetter, type DeadLetterFilter, type DeadLetterFile } from '../dead-letters';
import type { Output } from '../output';
import type { Session } from '../session';

const ONE_LINE = 100;
const firstLine = (text: string) => {
  const line = text.split('\n')[0];
  return line.length > ONE_LINE ? `${line.slice(0, ONE_LINE - 1)}…` : line;
};

const redriven = (file: DeadLetterFile, letter: DeadLetter) => file.redrives.get(letter.id);

/** The letters parked, oldest first, filtered; each on one line (`dlq show` gives the whole of one). */
export async function dlqList(session: Session, filter: DeadLetterFilter, out: Output): Promise<number> {
  const file = await readDeadLetters(await session.connector.jetstream());
  const letters = file.letters.filter((letter) => matchesLetter(letter, filter));
  out.data(letters.map((letter) => ({ ...letter, redrivenAs: redriven(file, letter)?.payload.resentAs })));
  if (letters.length === 0) out.line('no dead letters' + (Object.values(filter).some((v) => v !== undefined) ? ' that match' : ''));
  for (const letter of letters) {
    const { service, reason, error } = letter.payload;
    const mark = redriven(file, letter) ? ' [redriven]' : '';
    out.line(`${letter.id}  ${letter.occurredAt}  ${service.padEnd(16)} ${reason.padEnd(24)}${mark} ${firstLine(error)}`);
  }
  return 0;
}

async function findLetter(session: Session, id: string): Promise<{ file: DeadLetterFile; letter: DeadLetter }> {
  const file = await readDeadLetters(await session.connector.jetstream());
  const letter = file.letters.find((l) => l.id === id);
  if (!letter) throw new Error(`no dead letter ${id} (agentos dlq ls lists them)`);
  return { file, letter };
}

export async function dlqShow(session: Session, id: string, out: Output): Promise<number> {
  const { file, letter } = await findLetter(session, id);
  const { service, consumer, subject, streamSequence, deliveries, reason, error, issues, original } = letter.payload;
  const redrive = redriven(file, letter);
  out.data({ letter, redrive });
  out.line(`dead letter ${letter.id}, parked ${letter.occurredAt} by ${letter.actor.kind}:${letter.actor.id} (tenant ${letter.tenant})`);
  out.line(`  service ${service}, consumer ${consumer}; subject ${subject}, stream sequence ${streamSequence}, ${deliveries} deliveries`);
  out.line(`  reason ${reason}: ${error}`);
  for (const issue of issues) out.line(`    ${issue.path}: ${issue.message}`);
  if (redrive) out.line(`  redriven ${redrive.occurredAt} by ${redrive.actor.id} as ${redrive.payload.type} ${redrive.payload.resentAs} on ${redrive.payload.subject}`);
  let shown = original;
  try {
    shown = JSON.stringify(JSON.parse(original), null, 2);
  } catch {
    // Not JSON (that may be why it is here): shown as received.
  }
  out.line(`  original:\n${shown}`);
  return 0;
}

/** Re-sends the original as the operator's own message (see redriveOf), then records that the letter was redriven. */
export async function dlqRedrive(session: Session, id: string, out: Output): Promise<number> {
  const { file, letter } = await findLetter(session, id);
  const before = redriven(file, letter);
  if (before) throw new Error(`dead letter ${id} was redriven already, ${before.occurredAt} by ${before.actor.id}, as ${before.payload.resentAs}`);
  let resent;
  try {
    resent = redriveOf(letter, session.origin);
  } catch (error) {
    throw new Error(`dead letter ${id} cannot be redriven: ${(error as Error).message}`);
  }
  await session.client.publishMessage(resent);
  const record = createMessage('RedriveDeadLetter', { letterId: letter.id, resentAs: resent.id, type: resent.type, subject: subjectOf(resent) }, { ...session.origin, correlationId: resent.correlationId });
  await session.client.publishMessage(record);
  out.data({ redriven: letter.id, resent });
  out.line(`redriven ${letter.id}: re-sent its ${resent.type} as ${resent.id} on ${subjectOf(resent)}, as ${session.origin.actor.kind}:${session.origin.actor.id}`);
  return 0;
}
