#!/usr/bin/env node
// npm run docs: writes the generated references under docs/.
import { writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { errorsReference, configurationReference } = await import('../src/docs/reference.ts');
writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsReference());
writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationReference());
console.log('wrote docs/errors.md and docs/configuration.md');
