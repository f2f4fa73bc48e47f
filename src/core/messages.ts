// Messages the core gives a user, as English templates with positional placeholders ({0}, {1}, ...): `message` is
// the English text the CLI prints, `template`/`args` let a host show it translated (VS Code's l10n.t takes the same
// placeholders). An argument is a technical token that stays as written (a name, a shape, a number) or a nested
// template (a phrase such as "This array" or a parse detail) that is translated in turn.

/** A template and its arguments, without the English text: a phrase that goes into another message. */
export interface Phrase {
  readonly template: string;
  readonly args?: readonly MessageArg[];
}

export type MessageArg = string | Phrase;

/** A message with its English text and, when it came from a template, the template and arguments. */
export interface Localizable {
  readonly message: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

/** Replaces {0}, {1}, ... with the arguments (nested phrases in English); a placeholder with no argument stays as written. */
export function format(template: string, args: readonly MessageArg[]): string {
  if (args.length === 0) return template;
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? whole : argText(arg);
  });
}

/** An argument in English. */
export function argText(arg: MessageArg): string {
  return typeof arg === 'string' ? arg : format(arg.template, arg.args ?? []);
}

function argsOf(args: readonly (string | number | Phrase)[]): MessageArg[] {
  return args.map((a) => (typeof a === 'number' ? String(a) : a));
}

/** A phrase to nest in another message. */
export function phrase(template: string, ...args: (string | number | Phrase)[]): Phrase {
  return args.length ? { template, args: argsOf(args) } : { template };
}

/** A message: the English text of `template` with `args`, carrying both for translation. */
export function localized(template: string, ...args: (string | number | Phrase)[]): { message: string; template: string; args: MessageArg[] } {
  const list = argsOf(args);
  return { message: format(template, list), template, args: list };
}

/** A phrase as a message (its English text added). */
export function asMessage(p: Phrase): { message: string; template: string; args: readonly MessageArg[] } {
  return { message: format(p.template, p.args ?? []), template: p.template, args: p.args ?? [] };
}

/** A message's template and arguments as a phrase, to nest in another message (plain English text when it has none). */
export function asPhrase(m: Localizable): MessageArg {
  return m.template !== undefined ? { template: m.template, ...(m.args ? { args: m.args } : {}) } : m.message;
}

/**
 * A message in another language: `translate` gets each template (nested phrases first) with its arguments already
 * rendered (VS Code: l10n.t); `plain` renders a technical argument (identity unless a host translates, say, gate names).
 */
export function render(m: Localizable, translate: (template: string, args: string[]) => string, plain: (arg: string) => string = (a) => a): string {
  if (m.template === undefined) return m.message;
  return translate(m.template, (m.args ?? []).map((a) => renderArg(a, translate, plain)));
}

export function renderArg(arg: MessageArg, translate: (template: string, args: string[]) => string, plain: (arg: string) => string = (a) => a): string {
  if (typeof arg === 'string') return plain(arg);
  return translate(arg.template, (arg.args ?? []).map((a) => renderArg(a, translate, plain)));
}

/** An error as a phrase: its template when it carries one (GateLensError), else its English message. */
export function errorPhrase(error: unknown): MessageArg {
  if (error !== null && typeof error === 'object' && typeof (error as Localizable).template === 'string' && typeof (error as Localizable).message === 'string') {
    return asPhrase(error as Localizable);
  }
  return error instanceof Error ? error.message : String(error);
}

/** Joins phrases with "; " (a separator the translation may change), as one phrase. */
export function joined(parts: readonly MessageArg[], template: string = LIST_TEMPLATES.semicolon): MessageArg {
  if (parts.length === 0) return '';
  return parts.slice(1).reduce<MessageArg>((acc, p) => ({ template, args: [acc, p] }), parts[0]);
}

export const LIST_TEMPLATES = {
  semicolon: '{0}; {1}',
  comma: '{0}, {1}',
} as const;
