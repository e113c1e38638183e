// What a trained network made of the user's input, in one line under the view: the sort network's
// output against the sorted input, or the character model's next-character guesses.
import { corpusChar, sortLetter } from './input';
import type { TrainedFrames } from './frames';

export function describeOutput(frames: TrainedFrames): string {
  const { predictions, input } = frames;
  const who = frames.net.source ? `${frames.arch} network (${frames.net.source})` : `${frames.arch} network`;
  if (frames.net.settings.task === 'sort') {
    const sorted = [...input.symbols].sort((a, b) => a - b);
    const right = predictions.filter((s, i) => s === sorted[i]).length;
    return `${who}'s output ${predictions.map(sortLetter).join('')} (sorted: ${sorted.map(sortLetter).join('')}; ${right}/${sorted.length} right)`;
  }
  // Position i predicts character i + 1: the last one guesses past the text.
  const next = input.symbols.slice(1);
  const right = next.filter((s, i) => s === predictions[i]).length;
  return `${who}'s next-character guesses ${predictions.map(corpusChar).join('')} (${right}/${next.length} of the text's next characters right)`;
}
