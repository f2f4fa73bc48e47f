// Command URIs for markdown (hovers) and the list of commands such links may run.

/** The only commands a hover link may execute (MarkdownString.isTrusted.enabledCommands). */
export const TRUSTED_HOVER_COMMANDS = ['gateLens.stepThrough', 'gateLens.copyNumpy', 'gateLens.chooseConvention', 'gateLens.convertLayer'] as const;

export function commandUri(command: (typeof TRUSTED_HOVER_COMMANDS)[number], args: unknown): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([args]))}`;
}
