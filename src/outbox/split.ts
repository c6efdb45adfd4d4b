import { bodyText, type OutgoingBody } from '../../bots/types';

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Splits text into pieces of at most maxBytes UTF-8 bytes, preferring line breaks so a
 * list is never cut mid-item, and never cutting inside a character.
 */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (utf8Bytes(text) <= maxBytes) return [text];
  const parts: string[] = [];
  let current = '';
  const push = () => {
    if (current) parts.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (utf8Bytes(candidate) <= maxBytes) {
      current = candidate;
      continue;
    }
    push();
    if (utf8Bytes(line) <= maxBytes) {
      current = line;
      continue;
    }
    for (const ch of line) {
      if (utf8Bytes(current + ch) > maxBytes) push();
      current += ch;
    }
  }
  push();
  return parts;
}

/** A card that does not fit becomes markdown with its buttons as typed commands. */
export function splitBody(body: OutgoingBody, maxBytes: number): OutgoingBody[] {
  if (utf8Bytes(bodyText(body)) <= maxBytes) return [body];
  if (body.kind === 'card') {
    const hints = body.buttons.map((b) => `- ${b.label}：发送 ${b.command}`).join('\n');
    return splitBody({ kind: 'markdown', title: body.title, text: `**${body.title}**\n${body.body}\n${hints}` }, maxBytes);
  }
  // Leave room for the part counter.
  const budget = Math.max(32, maxBytes - 32);
  const pieces = splitByBytes(body.text, budget);
  return pieces.map((text, i) => (body.kind === 'markdown'
    ? { kind: 'markdown', title: body.title, text: pieces.length > 1 ? `${text}\n（${i + 1}/${pieces.length}）` : text }
    : { kind: 'text', text }));
}
