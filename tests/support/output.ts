/** The stdout and stderr of a spawned process, gathered as one text. */
export interface CapturedOutput {
  /** Everything written so far, both streams interleaved as it came. */
  text(): string;
  /** Settles once both streams have ended. */
  done: Promise<void>;
}

/** Reads a child's piped stdout and stderr; `onText` runs after every chunk. */
export function captureOutput(
  child: Deno.ChildProcess,
  onText: () => void = () => {},
): CapturedOutput {
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      onText();
    }
  };
  const done = Promise.all([pump(child.stdout), pump(child.stderr)])
    .then(() => {});
  return { text: () => text, done };
}
