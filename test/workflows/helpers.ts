import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;

/** The tiny node action the runner tests use (`./actions/echo`), written as the runner would find it. */
const ECHO_ACTION = `name: echo
description: A fixture action for the runner tests.
inputs:
  message:
    description: What to echo.
    required: true
  greeting:
    description: A default that is an expression.
    default: 'hi \${{ github.repository }}'
  secret:
    description: Masked with add-mask, then printed.
  fail:
    description: "Fail with an error annotation when 'true'."
    default: 'false'
outputs:
  echoed:
    description: The message.
runs:
  using: node24
  main: ../../dist/echo/index.js
  post: ../../dist/echo/post.js
  post-if: always()
`;

const ECHO_MAIN = `import { appendFileSync } from 'node:fs';
const input = (n) => process.env['INPUT_' + n.toUpperCase()] ?? '';
if (input('secret')) console.log('::add-mask::' + input('secret'));
console.log('message=' + input('message') + ' greeting=' + input('greeting') + ' secret=' + input('secret'));
appendFileSync(process.env.GITHUB_OUTPUT, 'echoed=' + input('message') + '\\n');
appendFileSync(process.env.GITHUB_STATE, 'token=state-of-' + input('message') + '\\n');
appendFileSync(process.env.GITHUB_STEP_SUMMARY, '### echo ' + input('message') + '\\n');
if (input('fail') === 'true') {
  console.log('::error::echo failed on purpose');
  process.exit(1);
}
`;

const ECHO_POST = `console.log('post state=' + process.env.STATE_token + ' message=' + process.env.INPUT_MESSAGE);
`;

/** A temporary workspace with every fixture workflow in `.github/workflows/` and the echo action. */
export function fixtureWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'workflow-fixture-'));
  mkdirSync(join(root, '.github/workflows'), { recursive: true });
  for (const file of readdirSync(fixtures)) cpSync(join(fixtures, file), join(root, '.github/workflows', file));
  mkdirSync(join(root, 'actions/echo'), { recursive: true });
  mkdirSync(join(root, 'dist/echo'), { recursive: true });
  writeFileSync(join(root, 'actions/echo/action.yml'), ECHO_ACTION);
  writeFileSync(join(root, 'dist/echo/index.js'), ECHO_MAIN);
  writeFileSync(join(root, 'dist/echo/post.js'), ECHO_POST);
  return root;
}
