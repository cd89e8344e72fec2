import { runEntry } from '../../core/entry.js';
import { runPost } from './post-run.js';

runEntry('aks-context (post)', runPost);
