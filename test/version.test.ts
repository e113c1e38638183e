// The version the lab writes into its exports is package.json's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LAB_VERSION } from '../src/version';

it('LAB_VERSION is package.json\'s version', () => {
  expect(LAB_VERSION).toBe(JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')).version);
});
