// `--adapter NAME`, accepted by every verb: the GPU to run on, on a node with several. Dawn picks
// the adapter whose name contains NAME (case-sensitive); the choice is handed on to the processes a
// verb starts (sweep workers, Slurm tasks).
import { quote } from '../src/quote';
import { UsageError } from './args';

let chosen: string | undefined;

/** The adapter asked for with --adapter, if any. */
export const chosenAdapter = () => chosen;

/** The option for a child process's command line (empty when none was asked for). */
export const adapterArgs = (): string[] => (chosen === undefined ? [] : ['--adapter', chosen]);

/** Takes --adapter NAME (or --adapter=NAME) out of argv and remembers it; the rest is the verb's. */
export function takeAdapterOption(argv: readonly string[]): string[] {
  const rest: string[] = [];
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    if (raw !== '--adapter' && !raw.startsWith('--adapter=')) {
      rest.push(raw);
      continue;
    }
    const value = raw === '--adapter' ? argv[++i] : raw.slice('--adapter='.length);
    if (value === undefined || value.trim() === '') throw new UsageError("--adapter needs a value: part of a GPU adapter's name (a name that matches none lists the adapters)");
    if (found !== undefined) throw new UsageError('--adapter is given twice');
    if (/[\r\n]/.test(value)) throw new UsageError(`--adapter must be one line; got ${quote(value)}`);
    found = value;
  }
  chosen = found;
  return rest;
}
