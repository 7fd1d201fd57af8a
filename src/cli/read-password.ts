// Reads a password for the CLI: the first line of standard input when it is piped, or typed at a
// prompt without echo (twice, to catch typos) on a terminal.
import type { ReadStream } from 'node:tty';

export async function readPipedPassword(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) text += chunk.toString();
  return text.split(/\r?\n/)[0] ?? '';
}

function promptHidden(input: ReadStream, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  output.write(prompt);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      error ? reject(error) : resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}

export async function readNewPassword(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream,
): Promise<string> {
  if (!input.isTTY) return readPipedPassword(input);
  const tty = input as ReadStream;
  const first = await promptHidden(tty, output, 'Password: ');
  const second = await promptHidden(tty, output, 'Repeat password: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}
