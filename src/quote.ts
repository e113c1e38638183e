// Echoing user input in a one-line message (CLI, URL, imported files).

/** Longest stretch of a value echoed in a message (a 100 kB value stays readable). */
const QUOTE_MAX = 80;

/**
 * A user-given value for a one-line message: in double quotes, with line breaks, control and
 * bidi characters escaped (so a value can never start a second line or reorder the text), and
 * cut after QUOTE_MAX characters. Every message that echoes user input uses it.
 */
export function quote(value: unknown): string {
  const text = String(value);
  const cut = text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
  const escaped = JSON.stringify(cut).replace(
    /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > QUOTE_MAX ? `${escaped} (${text.length} characters)` : escaped;
}
