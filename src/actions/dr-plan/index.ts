import { runEntry } from '../../core/entry.js';
import { run } from './main.js';

runEntry('dr-plan', run);
