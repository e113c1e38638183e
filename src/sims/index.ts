// Registers every system with the registry. Import this once (UI entry, CLI, tests).
import { register } from './registry';
import { mipsSystem } from './mips/index';
import { showersSystem } from './showers/index';
import { tokensSystem } from './tokens/index';

register(mipsSystem);
register(tokensSystem);
register(showersSystem);
