// Particle Lab headless CLI on Dawn: `npm run --silent lab -- <verb> <system> [options]`.
import '../src/sims/index';
import { errorLine, exitCodeOf, parseArgs } from './args';
import { helpText, listJson, listText, verbHelpText } from './help';
import { verbs } from './verbs';
import { Progress } from './progress';
import { LAB_VERSION } from '../src/version';
import { makePlan } from './plan';
import { runVerb } from './run';
import { withGpu } from './session';
import { runTool } from './tool';
import { sweepMain } from './sweep/index';
import { takeAdapterOption } from './adapter';

/** Exit code and output of a run; everything is checked (makePlan) before the GPU is set up. */
async function main(all: string[]): Promise<number> {
  const argv = takeAdapterOption(all);
  if (argv[0] === 'sweep') return sweepMain(argv.slice(1));
  if (argv[0] === 'worker') return sweepMain(argv);
  const args = parseArgs(argv);
  if (args.version) {
    console.log(`particle-lab ${LAB_VERSION}`);
    return 0;
  }
  if (args.help || args.verb === '') {
    console.log(args.help && verbs().includes(args.verb) && args.verb !== 'list' ? verbHelpText(args.verb) : helpText());
    return args.help ? 0 : 2;
  }
  if (args.verb === 'list') {
    console.log(args.json ? listJson() : listText());
    return 0;
  }
  const plan = makePlan(args);
  for (const note of plan.notes) console.error(`note: ${note}`);
  const progress = new Progress(process.stderr, args.quiet);
  return withGpu((ctx, keep) => (plan.tool ? runTool(ctx, plan, keep, progress) : runVerb(ctx, plan, keep, progress)), progress);
}

// exitCode, not process.exit: the process ends once the torn-down device has let go (see session.ts).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(errorLine(e));
    if (process.env.DEBUG && e instanceof Error && e.stack) console.error(e.stack);
    process.exitCode = exitCodeOf(e);
  },
);
