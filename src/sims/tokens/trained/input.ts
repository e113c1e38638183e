// What the user types for a shipped trained network, checked before anything reaches the GPU:
// the sort network reads exactly its context of letters a–p (symbols 0–15), the character model
// up to its context of characters from the corpus's alphabet.
import type { TokenTask } from './token-net';

/** The shapes the shipped networks were trained at (test/tokens/trained-view.test.ts reads their files). */
export const SHIPPED_SHAPES = { sort: { context: 16, vocab: 16, width: 64 }, charlm: { context: 32, vocab: 62, width: 64 } } as const;

/** The corpus's characters, sorted (symbol s is CORPUS_ALPHABET[s]); a test derives it from the corpus. */
export const CORPUS_ALPHABET = "\n !'(),-.:;?ABCDEFGHIJKLMNOPRSTUVWYZabcdefghijklmnopqrstuvwxyz";

const SORT_LETTERS = 'abcdefghijklmnopqrstuvwxyz'.slice(0, SHIPPED_SHAPES.sort.vocab);

export interface TrainedInput {
  /** One symbol per token. */
  symbols: number[];
  /** What each token shows in the view. */
  labels: string[];
}

/** The shown form of a character (a space would be invisible). */
const shown = (c: string) => (c === ' ' ? '␣' : c === '\n' ? '⏎' : c);

/** The tokens of `text` for the network trained on `task`, or one line saying what is wrong. */
export function parseTrainedInput(task: TokenTask, text: string): TrainedInput | string {
  if (task === 'sort') {
    const letters = [...text.replace(/\s+/g, '')];
    const { context } = SHIPPED_SHAPES.sort;
    const bad = letters.findIndex((c) => !SORT_LETTERS.includes(c));
    if (bad >= 0) return `text has ${JSON.stringify(letters[bad])} at letter ${bad + 1}; the sort network's symbols are the letters a–${SORT_LETTERS.at(-1)}`;
    if (letters.length !== context) return `text must be exactly ${context} letters a–${SORT_LETTERS.at(-1)} for the trained sort network (spaces ignored); got ${letters.length}`;
    return { symbols: letters.map((c) => SORT_LETTERS.indexOf(c)), labels: letters };
  }
  const chars = [...text];
  const { context } = SHIPPED_SHAPES.charlm;
  const bad = chars.findIndex((c) => !CORPUS_ALPHABET.includes(c));
  if (bad >= 0) return `text has ${JSON.stringify(chars[bad])} at character ${bad + 1}, which is not in the character model's alphabet (the corpus's letters, space and ${"!'(),-.:;?"})`;
  if (chars.length < 1 || chars.length > context) return `text must be 1 to ${context} characters for the trained character model; got ${chars.length}`;
  return { symbols: chars.map((c) => CORPUS_ALPHABET.indexOf(c)), labels: chars.map(shown) };
}

/** The letters a sort network's symbols stand for. */
export function sortLetter(symbol: number): string {
  return SORT_LETTERS[symbol] ?? '?';
}

/** The character a character model's symbol stands for, as shown. */
export function corpusChar(symbol: number): string {
  return shown(CORPUS_ALPHABET[symbol] ?? '?');
}

/** Whether a network (a weights file's settings) can read the view's input for `task`; a line saying why not. */
export function networkFitsInput(net: { task: TokenTask; context: number; vocab: number }, task: TokenTask): string | null {
  if (net.task !== task) return `the file holds a ${net.task} network; the view runs the ${task} network (set trainedTask=${net.task})`;
  const want = SHIPPED_SHAPES[task];
  if (net.context !== want.context) return `the file's network reads ${net.context} tokens; the view's ${task} input has ${want.context} (train with net.context=${want.context})`;
  if (net.vocab !== want.vocab) return `the file's network has ${net.vocab} symbols; the view's ${task} input uses ${want.vocab} (train with net.vocab=${want.vocab})`;
  return null;
}
