import { runEntry } from '../../core/entry.js';
import { run } from './main.js';

runEntry('swap-configmap', run);
